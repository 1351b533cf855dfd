package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad usage gets one line naming the option and the value, and exit code 2 — before anything starts. */
class CommandLineErrorsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "run --rate -1                 | --rate: must be > 0, got '-1'",
            "run --rate 1e400              | --rate: must be > 0, got '1e400'",
            "run --warmup-windows soon     | --warmup-windows: must be an integer or 'auto', got 'soon'",
            "run --drain-windows -2        | --drain-windows: must be >= 0, got '-2'",
            "run --duration 0              | --duration: must be > 0, got '0.0'",
            "run --parallelism 0           | --parallelism: must be between 1 and 64, got '0'",
            "run --prompt-tokens -5        | --prompt-tokens: must be > 0, got '-5'",
            "run --mode sideways           | --mode: unknown value 'sideways'",
            "run --slo tpotX               | --slo: ",
            "run --rate fast               | --rate",
            "run --no-such-option          | Unknown option: '--no-such-option'",
            "run --seed                    | Missing required parameter for option '--seed'",
            "run --workload /no/such/file  | --workload: no such file, got '/no/such/file'",
            "run --calibration bogus       | --calibration: must be calibrated or physics, got 'bogus'",
            "sweep --calibration Physics   | --calibration: must be calibrated or physics, got 'Physics'",
            "bench pipeline --calibration x | --calibration: must be calibrated or physics, got 'x'",
    })
    void badUsageIsOneClearLineAndExitCode2(String args, String expected) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(args.trim().split("\\s+"));
        assertThat(code).isEqualTo(2);
        String first = err.toString().lines().findFirst().orElse("");
        assertThat(first).startsWith("cmbench: ").contains(expected.trim());
        assertThat(err.toString()).doesNotContain("\tat ");
    }
}
