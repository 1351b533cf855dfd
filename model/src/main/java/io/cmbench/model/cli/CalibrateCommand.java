package io.cmbench.model.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.cmbench.model.Calibration;
import io.cmbench.model.Calibrations;
import io.cmbench.model.spec.SpecException;
import io.cmbench.model.spec.SpecLoader;
import io.cmbench.model.validation.CalibrationFile;
import io.cmbench.model.validation.CalibrationFit;
import io.cmbench.model.validation.Measurement;
import io.cmbench.model.validation.Measurements;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Fit the calibration layer on the calibration rows of a profile's published measurements and write "
                + "the profile's calibration file (parameters and residuals).")
public final class CalibrateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--profile", paramLabel = "P", defaultValue = "cloudmatrix384",
            description = "hardware profile (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--measurements", paramLabel = "FILE",
            description = "measurements YAML (default: the profile's shipped one, cmbench/measurements/P.yaml in the"
                    + " model's resources)")
    String measurements;

    @Option(names = "--output", paramLabel = "FILE",
            description = "calibration file to write (default: the model's resource cmbench/calibrations/P.yaml, under the"
                    + " repository root as the working directory)")
    String output;

    @Option(names = "--no-write", description = "print only, do not write the file")
    boolean noWrite;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            String profileName = SpecLoader.profile(profile).name();
            List<Measurement> rows = measurements == null ? Measurements.forProfile(profileName) : Measurements.fromFile(Path.of(measurements));
            String label = measurements == null ? Measurements.resourcePath(profileName) : measurements;
            for (Measurement m : rows) {
                if (!m.profile().equals(profileName)) {
                    throw new SpecException(label, "profile", "'" + m.profile() + "' does not match --profile '" + profileName + "'");
                }
            }
            if (rows.stream().noneMatch(m -> m.role().equals(Measurement.CALIBRATION))) {
                throw new SpecException(label, "rows", "no row has role calibration: nothing to fit");
            }
            CalibrationFit.Result fit = CalibrationFit.fit(rows);
            String path = output != null ? output : "model/src/main/resources/" + Calibrations.resourcePath(profileName);
            Calibration c = CalibrationFile.rounded(fit.calibration(), Calibrations.resourcePath(profileName));
            String text = CalibrationFile.render(profileName, label, c, rows);
            out.print(text);
            if (!noWrite) {
                Path p = Path.of(path);
                if (output == null && !Files.isDirectory(p.getParent().getParent())) {
                    throw new CliSupport.BadOption("--output", "(default)", "run from the repository root or give --output FILE (no "
                            + p.getParent().getParent() + " here)");
                }
                try {
                    if (p.getParent() != null) Files.createDirectories(p.getParent());
                    Files.writeString(p, text, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalStateException("--output: cannot write (" + e + "), got '" + path + "'");
                }
                out.printf(Locale.ROOT, "wrote %s (rebuild to use it: the model reads it from the classpath)%n", p);
            }
            out.flush();
            return CliSupport.EXIT_OK;
        } catch (CliSupport.BadOption e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (SpecException | CalibrationFit.FitException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
