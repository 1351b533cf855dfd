package io.cmbench.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmbench.model.ScenarioSpec;
import io.cmbench.model.scenario.Scenario;
import io.cmbench.model.scenario.ScenarioFiles;
import io.cmbench.model.scenario.ScenarioPolicies;
import io.cmbench.model.scenario.ScenarioPolicies.Routing;
import io.cmbench.model.spec.SpecException;
import io.cmbench.schemas.EventKind;
import io.cmbench.schemas.RequestEvent;
import io.cmbench.jobs.serde.Envelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.util.ParameterTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario files (model/scenario), their use by the job's command line, and prefix-block validation. */
class ScenarioFilesTest {
    @TempDir
    Path dir;

    @Test
    void shippedFilesLoad() {
        List<Scenario> paper = ScenarioFiles.builtinScenarios("paper");
        assertThat(paper).singleElement().satisfies(s -> {
            assertThat(s.spec()).isEqualTo(ScenarioSpec.paperDefault());
            assertThat(s.policies()).isEqualTo(ScenarioPolicies.defaults());
            // EMS default: 64 GB x 256 NPUs / 35,136 B per token
            long tokens = s.policies().resolveContextCacheTokens(s.spec().costModel());
            assertThat(tokens).isEqualTo((long) Math.floor(64e9 * 256 / 35_136));
        });
        assertThat(ScenarioFiles.builtin("cm384-vs-h800")).extracting(ScenarioSpec::name)
                .containsExactly("cloudmatrix384", "h800");
        assertThat(ScenarioFiles.builtin("cm384-vs-h800").get(1).deployment()).isEqualTo("deepseek-h800");
        assertThatThrownBy(() -> ScenarioFiles.builtin("nope")).isInstanceOf(SpecException.class)
                .hasMessageContaining("scenarios/nope.yaml").hasMessageContaining("paper");
    }

    @Test
    void aFileWithPoliciesLoadsAndDrivesTheJobConfig() throws Exception {
        Path f = dir.resolve("two.yaml");
        Files.writeString(f, """
                scenarios:
                  - name: a
                    profile: cloudmatrix384
                    model: deepseek-r1
                    deployment: cloudmatrix-infer
                    decodeBatchCapPerNpu: 32
                    prefillRouting: round-robin
                    contextCacheTokens: 0
                  - name: b
                    profile: cloudmatrix384
                    model: deepseek-r1
                    deployment: cloudmatrix-infer
                    decodeRouting: round-robin
                    contextCacheTokens: 1000000
                    trafficShare: 0.25
                """);
        List<Scenario> s = ScenarioFiles.loadScenarios(f);
        assertThat(s).extracting(x -> x.spec().name()).containsExactly("a", "b");
        assertThat(s.get(0).spec().decodeBatchCapPerNpu()).isEqualTo(32);
        assertThat(s.get(0).policies()).isEqualTo(new ScenarioPolicies(Routing.ROUND_ROBIN, Routing.LEAST_LOADED, 0));
        assertThat(s.get(1).policies()).isEqualTo(new ScenarioPolicies(Routing.LEAST_LOADED, Routing.ROUND_ROBIN, 1_000_000, 0.25));
        assertThat(ScenarioFiles.load(f)).extracting(ScenarioSpec::name).containsExactly("a", "b");

        EmulationJobConfig cfg = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--scenarios", f.toString()}));
        assertThat(cfg.scenarios()).extracting(ScenarioSpec::name).containsExactly("a", "b");
        assertThat(cfg.policiesList()).extracting(ScenarioPolicies::contextCacheTokens).containsExactly(0L, 1_000_000L);
        EmulationJobConfig paper = ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--scenarios", "paper"}));
        assertThat(paper.scenarios()).containsExactly(ScenarioSpec.paperDefault());
        // the launcher's 7-argument constructor still works: default policies
        EmulationJobConfig legacy = new EmulationJobConfig("h:9", KafkaTopics.defaults(), ScenarioFiles.load(f), 1L,
                EmulationMode.FULL, true, new java.util.Properties()).validate();
        assertThat(legacy.policiesList()).containsOnly(ScenarioPolicies.defaults());
        assertThatThrownBy(() -> legacy.withPolicies(java.util.Map.of("zz", ScenarioPolicies.defaults())).validate())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policies").hasMessageContaining("zz");
    }

    void refused(String yaml, String... messageParts) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, yaml);
        var a = assertThatThrownBy(() -> ScenarioFiles.loadScenarios(f)).isInstanceOf(SpecException.class)
                .hasMessageContaining(f.toString());
        for (String p : messageParts) {
            a.hasMessageContaining(p);
        }
    }

    static String entry(String name, String extra) {
        return "  - name: " + name + "\n    profile: cloudmatrix384\n    model: deepseek-r1\n"
                + "    deployment: cloudmatrix-infer\n" + extra;
    }

    @Test
    void badFilesAreRefusedNamingFileFieldAndValue() throws Exception {
        refused("scenarios:\n" + entry("a", "    decodeBachCap: 3\n"), "scenarios[0].decodeBachCap", "unknown field");
        refused("scenarios:\n" + entry("a", "") + entry("a", ""), "scenarios[1].name", "'a'", "unique");
        refused("scenarios:\n" + entry("a", "    prefillRouting: random\n"), "scenarios[0].prefillRouting", "'random'");
        refused("scenarios:\n" + entry("a", "    decodeBatchCapPerNpu: -1\n"), "scenarios[0].decodeBatchCapPerNpu", "-1");
        refused("scenarios:\n" + entry("a", "    contextCacheTokens: -5\n"), "scenarios[0].contextCacheTokens", "-5");
        refused("scenarios:\n" + entry("a", "    contextCacheTokens: 1.5\n"), "scenarios[0].contextCacheTokens", "1.5");
        refused("scenarios:\n" + entry("a", "    trafficShare: 0\n"), "scenarios[0].trafficShare", "(0, 1]", "0.0");
        refused("scenarios:\n" + entry("a", "    trafficShare: 1.5\n"), "scenarios[0].trafficShare", "1.5");
        refused("scenarios:\n  - name: a\n    profile: tpu9\n    model: deepseek-r1\n    deployment: cloudmatrix-infer\n",
                "scenarios[0].profile", "'tpu9'");
        refused("scenarios:\n  - name: a\n    profile: cloudmatrix384\n    model: deepseek-r1\n",
                "scenarios[0].deployment", "missing");
        // FP8 deployment on Ascend (no FP8): the combination is refused
        refused("scenarios:\n  - name: a\n    profile: cloudmatrix384\n    model: deepseek-r1\n    deployment: deepseek-h800\n",
                "scenarios[0].deployment", "deepseek-h800");
        refused("scenarios: []\n", "scenarios", "empty");
        refused("scenarios:\n  - [1, 2]\n", "scenarios[0]", "mapping");
        assertThatThrownBy(() -> ServingEmulationJob.parseArgs(ParameterTool.fromArgs(new String[] {
                "--bootstrap", "h:9", "--scenarios", dir.resolve("missing.yaml").toString()})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--scenarios")
                .hasMessageContaining("missing.yaml");
    }

    @Test
    void prefixBlocksMustFitThePrompt() {
        RequestEvent ok = RequestEvent.newBuilder().setKind(EventKind.REQUEST).setRequestId("r").setArrivalTimeMicros(1)
                .setPromptTokens(300).setOutputTokens(2).setPrefixBlocks(List.of(1L, 2L)).setPrefixBlockTokens(150).build();
        assertThat(Envelope.of(ok, 0).valid()).isTrue();
        Envelope tooMany = Envelope.of(RequestEvent.newBuilder(ok).setPrefixBlocks(List.of(1L, 2L, 3L)).build(), 1);
        assertThat(tooMany.valid()).isFalse();
        assertThat(tooMany.field).isEqualTo("prefixBlocks");
        assertThat(tooMany.reason).contains("3 blocks of 150 tokens").contains("300");
        Envelope noSize = Envelope.of(RequestEvent.newBuilder(ok).setPrefixBlockTokens(0).build(), 2);
        assertThat(noSize.field).isEqualTo("prefixBlockTokens");
    }
}
