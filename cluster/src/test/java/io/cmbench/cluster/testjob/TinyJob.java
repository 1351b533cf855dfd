package io.cmbench.cluster.testjob;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A trivial Flink program jarred by the test and submitted to the local cluster through REST.
 * {@code ok}: 1000 records, finishes. {@code fail}: throws at record 500. {@code forever}: runs until canceled.
 */
public final class TinyJob {
    private TinyJob() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "ok";
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSequence(1, "forever".equals(mode) ? Long.MAX_VALUE : 1000)
                .map(new Step(mode))
                .sinkTo(new DiscardingSink<>());
        env.execute("cmbench-tiny-job-" + mode);
    }

    static final class Step implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private final String mode;

        Step(String mode) {
            this.mode = mode;
        }

        @Override
        public Long map(Long x) throws Exception {
            if ("fail".equals(mode) && x == 500) {
                throw new IllegalStateException("tiny job fails on purpose at record 500");
            }
            if ("forever".equals(mode)) {
                Thread.sleep(5);
            }
            return x * 2;
        }
    }
}
