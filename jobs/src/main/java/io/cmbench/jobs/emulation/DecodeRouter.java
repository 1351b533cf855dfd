package io.cmbench.jobs.emulation;

import io.cmbench.model.scenario.ScenarioPolicies;

/**
 * Routes the requests of one supernode to its decode instances, at their arrival, in (arrival, requestId) order
 * (part of {@link InstanceRouter}, kept in keyed state).
 *
 * <p>LEAST_LOADED sends a request to the instance with the least decode work assigned so far (output tokens; ties:
 * lowest index). The decode instances' live occupancy is not visible upstream of them — it would take a feedback
 * edge from each decode instance back to the router, which Flink 2 does not offer, or all decode instances of a
 * scenario in one key, which would stop the decode pool from scaling over parallelism. Cumulative assigned work is
 * what a stateless-with-respect-to-decode router can balance exactly; for stationary traffic it balances the
 * instances' batch occupancy. ROUND_ROBIN: instances in turn.
 */
public class DecodeRouter {
    public long[] assigned;
    public int next;

    public DecodeRouter() {}

    static DecodeRouter create(int instances) {
        DecodeRouter r = new DecodeRouter();
        r.assigned = new long[instances];
        return r;
    }

    int route(ScenarioPolicies.Routing policy, RequestJob j) {
        int n = assigned.length;
        int chosen;
        if (n == 1) {
            chosen = 0;
        } else if (policy == ScenarioPolicies.Routing.ROUND_ROBIN) {
            chosen = next;
            next = (next + 1) % n;
        } else {
            chosen = 0;
            for (int i = 1; i < n; i++) {
                if (assigned[i] < assigned[chosen]) {
                    chosen = i;
                }
            }
        }
        assigned[chosen] += j.outputTokens;
        return chosen;
    }
}
