package io.cmbench.model;

import java.util.List;

import io.cmbench.model.spec.HardwareProfile;

/**
 * Alpha-beta times of expert-parallel dispatch and combine on a hardware profile: beta is the measured bandwidth of the
 * profile's path for the traffic (UB NPU-NPU write on CloudMatrix384: the vector cores write straight into remote
 * memory), alpha(EP) the measured latency at the benchmark's tokens per rank minus the benchmark's bytes over beta.
 */
final class EpCollectiveTimes {
    private final HardwareProfile hw;

    EpCollectiveTimes(HardwareProfile hw) {
        this.hw = hw;
    }

    /** Bytes per second of one rank's dispatch/combine traffic at this EP degree (intra-node below a node's dies). */
    double betaBytesPerSecond(int epDegree) {
        var ep = hw.ep();
        if (ep.betaPath().equals("rdma")) return hw.rdmaBandwidthPerDie();
        var path = hw.ubPaths().get(ep.betaPath());
        return epDegree <= hw.diesPerNode() ? path.intraBandwidth() : path.interBandwidth();
    }

    /**
     * alpha(EP), seconds: the measured latency at the benchmark's tokens per rank minus the benchmark's bytes over
     * beta; linear in log2(EP) between table rows, clamped outside the table.
     */
    double alphaSeconds(int epDegree, boolean dispatch, double betaBytesPerSecond) {
        var ep = hw.ep();
        double benchBytes = (double) ep.benchTokensPerRank() * ep.benchTopK()
                * (dispatch ? ep.dispatchMessageBytes() : ep.combineMessageBytes());
        List<HardwareProfile.EpRow> rows = ep.table();
        double lat;
        if (epDegree <= rows.get(0).ep()) {
            lat = dispatch ? rows.get(0).dispatchSeconds() : rows.get(0).combineSeconds();
        } else if (epDegree >= rows.get(rows.size() - 1).ep()) {
            var r = rows.get(rows.size() - 1);
            lat = dispatch ? r.dispatchSeconds() : r.combineSeconds();
        } else {
            lat = 0;
            for (int i = 0; i + 1 < rows.size(); i++) {
                var a = rows.get(i);
                var b = rows.get(i + 1);
                if (epDegree >= a.ep() && epDegree <= b.ep()) {
                    double x = (Math.log(epDegree) - Math.log(a.ep())) / (Math.log(b.ep()) - Math.log(a.ep()));
                    double la = dispatch ? a.dispatchSeconds() : a.combineSeconds();
                    double lb = dispatch ? b.dispatchSeconds() : b.combineSeconds();
                    lat = la + x * (lb - la);
                    break;
                }
            }
        }
        return Math.max(0, lat - benchBytes / betaBytesPerSecond);
    }
}
