package io.cmbench.jobs;

import java.time.Duration;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * How both jobs keep state and take checkpoints, in one place (docs/OPERATIONS.md explains each choice).
 *
 * <ul>
 *   <li>Max parallelism is pinned on every keyed operator: it fixes the key groups, so a savepoint can be restored
 *       at any parallelism up to it. Flink's default depends on the first parallelism (128 below 86), which would
 *       cap rescaling at whatever the job happened to start with.</li>
 *   <li>Checkpoints time out after {@link #CHECKPOINT_TIMEOUT} (a stuck one must not block the next for Flink's
 *       default 10 minutes on runs that last one or two), keep at least half an interval between them (so a slow
 *       checkpoint cannot starve processing), and up to {@link #TOLERABLE_FAILED_CHECKPOINTS} consecutive failures
 *       are tolerated before the job restarts from the last good one (a transient broker hiccup during a commit
 *       should not restart the emulation).</li>
 *   <li>State backend: {@code hashmap} (default: state on the heap) or {@code rocksdb} (state larger than memory).</li>
 * </ul>
 */
public final class JobSettings {
    /** Key groups of every keyed operator: the largest parallelism a savepoint can be restored at. */
    public static final int MAX_PARALLELISM = 1024;
    static final Duration CHECKPOINT_TIMEOUT = Duration.ofMinutes(2);
    static final int TOLERABLE_FAILED_CHECKPOINTS = 3;

    public static final String HASHMAP = "hashmap";
    public static final String ROCKSDB = "rocksdb";

    private JobSettings() {}

    /** Checkpoints every {@code intervalMillis} (0 = off) with the timeout, pause and tolerance above. */
    public static void checkpointing(StreamExecutionEnvironment env, long intervalMillis) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("--checkpoint-interval-ms: must be >= 0, got '" + intervalMillis + "'");
        }
        if (intervalMillis == 0) {
            return;
        }
        env.enableCheckpointing(intervalMillis);
        CheckpointConfig c = env.getCheckpointConfig();
        c.setCheckpointTimeout(CHECKPOINT_TIMEOUT.toMillis());
        c.setMinPauseBetweenCheckpoints(intervalMillis / 2);
        c.setTolerableCheckpointFailureNumber(TOLERABLE_FAILED_CHECKPOINTS);
    }

    /** The state backend by name: {@code hashmap} or {@code rocksdb}. */
    public static void stateBackend(StreamExecutionEnvironment env, String name) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, checkedBackend(name));
        env.configure(conf);
    }

    /** {@code name} lower-cased if it names a backend; otherwise a one-line error naming the option. */
    public static String checkedBackend(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!n.equals(HASHMAP) && !n.equals(ROCKSDB)) {
            throw new IllegalArgumentException("--state-backend: must be hashmap or rocksdb, got '" + name + "'");
        }
        return n;
    }
}
