package io.cmbench.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.jobs.EmulationMode;
import io.cmbench.jobs.JobSettings;
import io.cmbench.jobs.TestData;
import io.cmbench.jobs.serde.Envelope;
import io.cmbench.schemas.RequestEvent;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The emulation on RocksDB: every state read is a deserialized copy there, so a function that changes a state object
 * without writing it back works on the heap backend and silently loses the change on RocksDB. Same input, same
 * completions and steps on both.
 */
@Tag("integration")
class StateBackendPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void rocksDbGivesTheSameCompletionsAsTheHeap() throws Exception {
        List<RequestEvent> reqs = TestData.requests(300, 3_000, 120, 17);
        List<Envelope> input = TestData.envelopes(reqs);
        var cfg = EmulationPipelineTest.config(EmulationPipelineTest.TWO_SCENARIOS, EmulationMode.FULL);

        var heap = EmulationPipelineTest.run(input, cfg, EmulationPipelineTest.fakeModels(), 2,
                env -> JobSettings.stateBackend(env, JobSettings.HASHMAP));
        var rocks = EmulationPipelineTest.run(input, cfg, EmulationPipelineTest.fakeModels(), 2, env -> {
            JobSettings.stateBackend(env, JobSettings.ROCKSDB);
            JobSettings.checkpointing(env, 200);
        });

        assertThat(heap.completions()).hasSize(2 * reqs.size());
        assertThat(rocks.completions().toString()).isEqualTo(heap.completions().toString());
        assertThat(rocks.steps().toString()).isEqualTo(heap.steps().toString());
    }

    @Test
    void anUnknownBackendIsOneLine() {
        assertThatThrownBy(() -> JobSettings.checkedBackend("forst"))
                .hasMessage("--state-backend: must be hashmap or rocksdb, got 'forst'");
    }
}
