package io.cmbench.jobs.emulation;

import io.cmbench.model.scenario.ScenarioPolicies;

/**
 * The router of one supernode (Flink POJO, in keyed state): picks each request's prefill and decode instance from
 * its own bookkeeping, in (arrival, requestId) order.
 *
 * <p>Prefill, LEAST_LOADED: the instance whose booked work ends first — each instance's {@link #prefillBusyUntilMicros}
 * is when the work the router sent there would be done, each request booked at its {@link
 * RequestJob#soloPrefillMicros} (ties: the lowest index). The router cannot see the instances' real queues and
 * batches (they are downstream: no feedback edge in Flink 2), so it balances what it can hold exactly: the cost
 * model's estimate of the work it sent. The solo estimate overstates a request's share of a full batch by the same
 * factor on every instance, so the choice balances the instances' backlogs as a least-work-left router would.
 * ROUND_ROBIN: in turn. Decode: {@link DecodeRouter} (cumulative output tokens sent), at the request's arrival.
 */
public class InstanceRouter {
    public long[] prefillBusyUntilMicros;
    public int nextPrefill;
    public DecodeRouter decode;

    public InstanceRouter() {}

    static InstanceRouter create(int prefillInstances, int decodeInstances) {
        InstanceRouter r = new InstanceRouter();
        r.prefillBusyUntilMicros = new long[Math.max(1, prefillInstances)];
        r.decode = DecodeRouter.create(Math.max(1, decodeInstances));
        return r;
    }

    /** The prefill instance (index within the supernode) for a request arriving at t. */
    int routePrefill(ScenarioPolicies.Routing policy, long t, long soloPrefillMicros) {
        int n = prefillBusyUntilMicros.length;
        int chosen;
        if (policy == ScenarioPolicies.Routing.ROUND_ROBIN) {
            chosen = nextPrefill;
            nextPrefill = (nextPrefill + 1) % n;
        } else {
            chosen = 0;
            for (int i = 1; i < n; i++) {
                if (Math.max(prefillBusyUntilMicros[i], t) < Math.max(prefillBusyUntilMicros[chosen], t)) {
                    chosen = i;
                }
            }
        }
        prefillBusyUntilMicros[chosen] = Math.max(prefillBusyUntilMicros[chosen], t) + soloPrefillMicros;
        return chosen;
    }
}
