package io.cmbench.cluster;

import io.cmbench.cluster.kafka.KafkaBrokerSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Flink standalone session cluster's files and command lines, as Flink's own start scripts make them:
 * {@code conf/config.yaml}, {@code conf/log4j.properties}, memory flags from {@code BashJavaUtils}, and
 * the Java 17 {@code --add-opens} list of Flink's default {@code env.java.opts.all}.
 */
final class FlinkSetup {
    static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    /**
     * Flink's Prometheus reporter with a bind address ({@code io.cmbench.cluster.metrics}, its own jar in
     * flink-lib): Flink's {@code PrometheusReporterFactory} listens on all interfaces.
     */
    static final String PROMETHEUS_FACTORY = "io.cmbench.cluster.metrics.BoundPrometheusReporterFactory";

    /**
     * Classes every job loads from the Flink processes' class path (flink-lib) instead of its own jar. Avro keeps
     * values of its own classes in ThreadLocals of any thread that parses a schema; the JobManager parses them on
     * long-lived pool threads while it deserializes each job's graph, so an Avro loaded per job pinned that job's
     * class loader (and all its classes) for the JobManager's lifetime. Job jars still carry Avro for other clusters.
     */
    static final String PARENT_FIRST_PATTERNS = "org.apache.avro.";

    /** Flink's {@code env.java.opts.all} for Java 17. */
    static final List<String> JAVA17_OPTS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
            "--add-opens=java.sql/java.sql=ALL-UNNAMED");

    private FlinkSetup() {}

    static Path confDir(Path dir) {
        return dir.resolve("conf");
    }

    /** Writes conf/config.yaml and conf/log4j.properties. */
    static void writeConfig(Path dir, int rpcPort, int restPort, int slots, String jmMemory, String tmMemory,
                            String prometheusPorts, String prometheusBindHost) {
        Path conf = confDir(dir);
        String abs = dir.toAbsolutePath().toString();
        List<String> y = new ArrayList<>(List.of(
                "# written by `cmbench cluster start`; everything binds to 127.0.0.1 (the Prometheus reporter: bind-host below)",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.memory.process.size: " + jmMemory,
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.memory.process.size: " + tmMemory,
                "taskmanager.numberOfTaskSlots: " + slots,
                "parallelism.default: 1",
                "classloader.parent-first-patterns.additional: " + quote(PARENT_FIRST_PATTERNS),
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "blob.server.port: 0",
                "io.tmp.dirs: " + quote(abs + "/tmp"),
                "web.tmpdir: " + quote(abs + "/tmp/web"),
                "web.upload.dir: " + quote(abs + "/jars"),
                "execution.checkpointing.dir: " + quote(dir.toAbsolutePath().resolve("checkpoints").toUri().toString()),
                "execution.checkpointing.savepoint-dir: "
                        + quote(dir.toAbsolutePath().resolve("savepoints").toUri().toString()),
                // A TaskManager started together with the JobManager retries its registration after this delay.
                "cluster.registration.error-delay: 2 s",
                // A killed TaskManager is noticed within a few seconds (two missed heartbeat RPCs) or after the timeout.
                "heartbeat.interval: 2 s",
                "heartbeat.timeout: 20 s",
                "heartbeat.rpc-failure-threshold: 2"));
        if (prometheusPorts != null) {
            // Flink's own reporter has a port option but no bind host: ours listens on bind-host only.
            y.add("metrics.reporter.prom.factory.class: " + PROMETHEUS_FACTORY);
            y.add("metrics.reporter.prom.port: " + quote(prometheusPorts));
            y.add("metrics.reporter.prom.bind-host: " + quote(prometheusBindHost == null
                    ? ClusterSpec.DEFAULT_PROMETHEUS_BIND_HOST : prometheusBindHost));
        }
        String log4j = String.join("\n",
                "# Flink's log4j2 properties: one file per process (log.file), as in Flink's distribution",
                "monitorInterval = 30",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = MainAppender",
                "logger.pekko.name = org.apache.pekko",
                "logger.pekko.level = INFO",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = INFO",
                "logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline",
                "logger.netty.level = OFF",
                "appender.main.name = MainAppender",
                "appender.main.type = RollingFile",
                "appender.main.append = true",
                "appender.main.fileName = ${sys:log.file}",
                "appender.main.filePattern = ${sys:log.file}.%i",
                "appender.main.layout.type = PatternLayout",
                "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "appender.main.policies.type = Policies",
                "appender.main.policies.size.type = SizeBasedTriggeringPolicy",
                "appender.main.policies.size.size = 100MB",
                "appender.main.strategy.type = DefaultRolloverStrategy",
                "appender.main.strategy.max = 5",
                "");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(dir.resolve("tmp").resolve("web"));
            Files.createDirectories(dir.resolve("jars"));
            Files.writeString(conf.resolve("config.yaml"), String.join("\n", y) + "\n", StandardCharsets.UTF_8);
            Files.writeString(conf.resolve("log4j.properties"), log4j, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Flink configuration in " + conf, e);
        }
    }

    /**
     * Runs {@code BashJavaUtils GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS} and stores its two result
     * lines (JVM flags; {@code -D} dynamic properties) in {@code conf/<kind>-params}. Returns them.
     */
    static ResourceParams computeParams(Path dir, String classPath, boolean jobManager) {
        String command = jobManager ? "GET_JM_RESOURCE_PARAMS" : "GET_TM_RESOURCE_PARAMS";
        String kind = jobManager ? "jobmanager" : "taskmanager";
        Path out = dir.resolve("logs").resolve("bash-java-utils-" + kind + ".out");
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx128m", "-Dlog4j2.level=WARN"));
        cmd.addAll(List.of("-cp", classPath, BASH_JAVA_UTILS, command, "--configDir", confDir(dir).toString()));
        try {
            Files.createDirectories(out.getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ClusterStartException("computing the " + kind + " memory settings timed out");
            }
            List<String> results = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                    .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).strip())
                    .toList();
            if (p.exitValue() != 0 || results.size() < 2) {
                String detail = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.contains("Exception") || l.contains("rror"))
                        .findFirst().orElse(KafkaBrokerSetup.tail(out, 5))
                        .replaceFirst("^Exception in thread \"[^\"]*\" ", "");
                throw new ClusterStartException("the " + kind + " memory settings are not valid (see "
                        + out + "): " + detail);
            }
            ResourceParams params = new ResourceParams(split(results.get(0)), split(results.get(1)));
            Files.writeString(confDir(dir).resolve(kind + "-params"), results.get(0) + "\n" + results.get(1) + "\n",
                    StandardCharsets.UTF_8);
            return params;
        } catch (IOException e) {
            throw new ClusterStartException("cannot run BashJavaUtils: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while computing the " + kind + " memory settings", e);
        }
    }

    /** The params stored by {@link #computeParams}, or null. */
    static ResourceParams storedParams(Path dir, boolean jobManager) {
        Path f = confDir(dir).resolve((jobManager ? "jobmanager" : "taskmanager") + "-params");
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            return lines.size() < 2 ? null : new ResourceParams(split(lines.get(0)), split(lines.get(1)));
        } catch (IOException e) {
            return null;
        }
    }

    /** The JobManager's or a TaskManager's command line. */
    static List<String> command(Path dir, String classPath, String role, ResourceParams params, List<String> markers,
                                String mainClass, List<String> extraDynamicProperties) {
        Path logs = dir.toAbsolutePath().resolve("logs");
        String log4j = confDir(dir).toAbsolutePath().resolve("log4j.properties").toUri().toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(params.jvmFlags());
        cmd.addAll(JAVA17_OPTS);
        cmd.add("-Dlog.file=" + logs.resolve(role + ".log"));
        cmd.add("-Dlog4j.configuration=" + log4j);
        cmd.add("-Dlog4j.configurationFile=" + log4j);
        cmd.add("-Djava.io.tmpdir=" + dir.toAbsolutePath().resolve("tmp"));
        cmd.addAll(markers);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(confDir(dir).toAbsolutePath().toString());
        cmd.addAll(params.dynamicProperties());
        for (String p : extraDynamicProperties) {
            cmd.add("-D");
            cmd.add(p);
        }
        return cmd;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> split(String line) {
        return Arrays.stream(line.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** BashJavaUtils' answer: JVM flags ({@code -Xmx...}) and dynamic properties ({@code -D k=v ...}). */
    record ResourceParams(List<String> jvmFlags, List<String> dynamicProperties) {}
}
