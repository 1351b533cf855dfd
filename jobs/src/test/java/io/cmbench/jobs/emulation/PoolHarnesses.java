package io.cmbench.jobs.emulation;

import io.cmbench.jobs.FakeCostModel;
import io.cmbench.model.ScenarioSpec;
import java.util.List;

final class PoolHarnesses {
    private PoolHarnesses() {}

    static final List<ScenarioSpec> ONE_SCENARIO = List.of(new ScenarioSpec("s0", "fake", "fake", "fake", 0));

    static RequestJob job(String id, long arrival, int prompt, int out) {
        RequestJob j = new RequestJob();
        j.scenario = 0;
        j.requestId = id;
        j.arrivalMicros = arrival;
        j.promptTokens = prompt;
        j.outputTokens = out;
        j.prefillInstance = 0;
        j.decodeInstance = 0;
        return j;
    }

    /** A job that finished prefill at prefillEnd and whose KV reached decode at kvEnd (FULL mode). */
    static RequestJob prefilled(String id, long prefillEnd, long kvEnd, int prompt, int out) {
        RequestJob j = job(id, 0, prompt, out);
        j.prefillStartMicros = 0;
        j.prefillEndMicros = prefillEnd;
        j.kvTransferEndMicros = kvEnd;
        j.firstTokenMicros = kvEnd;
        return j;
    }

    /** Feeds a request to a harness at its arrival time. */
    static void add(org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, RequestJob> h,
                    RequestJob j) throws Exception {
        h.processElement(new org.apache.flink.streaming.runtime.streamrecord.StreamRecord<>(j, j.arrivalMicros));
    }

    /** What a harness emitted so far, by request id. */
    static java.util.Map<String, RequestJob> outputById(
            org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<Long, RequestJob, RequestJob> h) {
        return h.extractOutputValues().stream().collect(java.util.stream.Collectors.toMap(j -> j.requestId, j -> j));
    }

    static FakeCostModel model(io.cmbench.model.PoolLayout layout) {
        return FakeCostModel.simple(layout);
    }
}
