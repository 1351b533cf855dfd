package io.cmbench.model;

import io.cmbench.model.spec.Deployment;
import io.cmbench.model.spec.HardwareProfile;

/**
 * Moving KV between dies and the context cache as latency + bytes / bandwidth: prefill to decode over the deployment's
 * KV plane (RDMA in the paper, or UB), and reads / writes of the cache pool over its plane (UB NPU-CPU paths as
 * measured, or the VPC plane as a what-if: each die gets its node's share).
 */
final class KvMovement {
    final double transferBytesPerSecond, transferLatencySeconds;
    final double poolReadBytesPerSecond, poolReadLatencySeconds, poolWriteBytesPerSecond, poolWriteLatencySeconds;
    private final double bytesPerToken;

    /** @param bytesPerToken KV bytes per token as stored, moved and cached */
    KvMovement(HardwareProfile hw, Deployment dep, double bytesPerToken) {
        this.bytesPerToken = bytesPerToken;
        if (dep.contextCachePlane().equals("vpc")) {
            poolReadBytesPerSecond = poolWriteBytesPerSecond = hw.vpcBandwidthPerNode() / hw.diesPerNode();
            poolReadLatencySeconds = poolWriteLatencySeconds = hw.vpcLatency();
        } else {
            var pr = hw.ubPaths().get(hw.poolReadPath());
            var pw = hw.ubPaths().get(hw.poolWritePath());
            poolReadBytesPerSecond = pr.interBandwidth();
            poolReadLatencySeconds = pr.interLatency();
            poolWriteBytesPerSecond = pw.interBandwidth();
            poolWriteLatencySeconds = pw.interLatency();
        }
        if (dep.kvTransferPlane().equals("rdma")) {
            transferBytesPerSecond = hw.rdmaBandwidthPerDie();
            transferLatencySeconds = hw.rdmaLatency();
        } else {
            var w = hw.ubPaths().get("npu_npu_write");
            transferBytesPerSecond = w.interBandwidth();
            transferLatencySeconds = w.interLatency();
        }
    }

    long transferMicros(int tokens) {
        return tokens <= 0 ? 0 : Math.round((transferLatencySeconds + tokens * bytesPerToken / transferBytesPerSecond) * 1e6);
    }

    long poolReadMicros(int tokens) {
        return tokens <= 0 ? 0 : Math.round((poolReadLatencySeconds + tokens * bytesPerToken / poolReadBytesPerSecond) * 1e6);
    }

    long poolWriteMicros(int tokens) {
        return tokens <= 0 ? 0 : Math.round((poolWriteLatencySeconds + tokens * bytesPerToken / poolWriteBytesPerSecond) * 1e6);
    }
}
