package io.cmbench.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.cmbench.model.spec.SpecException;
import io.cmbench.model.spec.SpecLoader;
import io.cmbench.config.YamlNode;

/**
 * Reads a profile's calibration file ({@code cmbench/calibrations/<profile>.yaml}, written by
 * {@code cmbench model calibrate}). A profile without one has no calibrated variant: asked for it, the model is the
 * physics (and says so in {@link Calibration#source()}).
 */
public final class Calibrations {
    private Calibrations() {}

    /** The variants a user can ask for. */
    public static final List<String> VARIANTS = List.of(Calibration.CALIBRATED_NAME, Calibration.PHYSICS_NAME);

    /** The parameter names as they stand in the calibration file, in order. */
    public static final List<String> DECODE_PARAMETERS = List.of("ep_latency_scale", "sync_wait_us", "sync_half_tokens_per_die");
    public static final List<String> PREFILL_PARAMETERS = List.of("prefill_compute_us_per_token");

    private static final Map<String, Calibration> CACHE = new ConcurrentHashMap<>();

    /** Resource path of a profile's calibration file. */
    public static String resourcePath(String profileName) {
        return "cmbench/calibrations/" + profileName + ".yaml";
    }

    /**
     * The calibration layer of {@code variant} ({@code calibrated} or {@code physics}) for a profile.
     *
     * @throws IllegalArgumentException for an unknown variant
     * @throws SpecException when the profile's calibration file cannot be used (names the file and field)
     */
    public static Calibration forProfile(String profileName, String variant) {
        if (Calibration.PHYSICS_NAME.equals(variant)) return Calibration.PHYSICS;
        if (!Calibration.CALIBRATED_NAME.equals(variant)) {
            throw new IllegalArgumentException("calibration '" + variant + "' is not one of " + String.join(", ", VARIANTS));
        }
        return CACHE.computeIfAbsent(profileName, Calibrations::load);
    }

    private static Calibration load(String profileName) {
        String path = resourcePath(profileName);
        try (InputStream in = Calibrations.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                return new Calibration(Calibration.CALIBRATED_NAME, "none for profile " + profileName + ": physics", 1, 0, 1, 0);
            }
            return parse(path, new String(in.readAllBytes(), StandardCharsets.UTF_8), profileName);
        } catch (IOException e) {
            throw new SpecException(path, "", "cannot read: " + e.getMessage());
        }
    }

    /** Parses a calibration file's text; it must name {@code profileName}. */
    public static Calibration parse(String label, String text, String profileName) {
        return SpecLoader.parseText(label, text, root -> {
            root.allowOnly("profile", "measurements", "command", "parameters", "fit");
            String p = root.string("profile");
            if (!p.equals(profileName)) throw root.error("profile", "'" + p + "' does not match the profile '" + profileName + "'");
            YamlNode par = root.child("parameters");
            par.allowOnly(DECODE_PARAMETERS.get(0), DECODE_PARAMETERS.get(1), DECODE_PARAMETERS.get(2), PREFILL_PARAMETERS.get(0));
            double scale = par.number("ep_latency_scale");
            if (scale < 0) throw par.error("ep_latency_scale", "must be >= 0, got " + scale);
            double half = par.number("sync_half_tokens_per_die");
            if (!(half > 0)) throw par.error("sync_half_tokens_per_die", "must be > 0, got " + half);
            return new Calibration(Calibration.CALIBRATED_NAME, label, scale, par.number("sync_wait_us"), half,
                    par.number("prefill_compute_us_per_token"));
        });
    }
}
