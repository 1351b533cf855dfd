package io.cmbench.cli;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.tools.attach.VirtualMachine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The heap a local JVM (a TaskManager, the JobManager) holds after its latest garbage collection: live data plus what
 * the collector chose to keep, the figure that shows a leak as a slope — the heap in use between collections mostly
 * shows the allocation rate. Read over JMX from the process's local management agent (the attach API starts it; same
 * user, same machine), the usage after the most recent collection of any collector, summed over the heap pools.
 */
final class HeapAfterGc implements AutoCloseable {
    private final JMXConnector connector;
    private final List<GarbageCollectorMXBean> collectors;
    private final Set<String> heapPools = new HashSet<>();

    private HeapAfterGc(JMXConnector connector) throws Exception {
        this.connector = connector;
        MBeanServerConnection c = connector.getMBeanServerConnection();
        this.collectors = c.queryNames(new ObjectName(ManagementFactory.GARBAGE_COLLECTOR_MXBEAN_DOMAIN_TYPE + ",*"), null)
                .stream().map(n -> proxy(c, n.toString(), GarbageCollectorMXBean.class)).toList();
        for (ObjectName n : c.queryNames(new ObjectName(ManagementFactory.MEMORY_POOL_MXBEAN_DOMAIN_TYPE + ",*"), null)) {
            MemoryPoolMXBean pool = proxy(c, n.toString(), MemoryPoolMXBean.class);
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
    }

    /** Connects to the JVM of {@code pid}. */
    static HeapAfterGc attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        // no background check of the connection: it logs (java.util.logging, to the terminal) when a busy JVM answers late
        return new HeapAfterGc(JMXConnectorFactory.connect(new JMXServiceURL(address),
                Map.of("jmx.remote.x.client.connection.check.period", 0L)));
    }

    private static <T> T proxy(MBeanServerConnection c, String name, Class<T> type) {
        try {
            return ManagementFactory.newPlatformMXBeanProxy(c, name, type);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Bytes of heap after the JVM's most recent collection; empty before its first. */
    OptionalLong bytes() {
        GcInfo latest = null;
        for (GarbageCollectorMXBean gc : collectors) {
            GcInfo info = gc.getLastGcInfo();
            if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                latest = info;
            }
        }
        if (latest == null) {
            return OptionalLong.empty();
        }
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> e : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                sum += e.getValue().getUsed();
            }
        }
        return OptionalLong.of(sum);
    }

    @Override
    public void close() {
        try {
            connector.close();
        } catch (java.io.IOException e) {
            // the process may be gone
        }
    }
}
