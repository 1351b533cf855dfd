package io.cmbench.model.spec;

/**
 * A profile, model or deployment description that cannot be used. The message always names the file,
 * the field (dotted path) and the reason, e.g. {@code profiles/x.yaml: die.hbm_bandwidth: must be > 0}.
 */
public final class SpecException extends RuntimeException {
    private final String file;
    private final String field;
    private final String reason;

    public SpecException(String file, String field, String reason) {
        super(file + ": " + (field == null || field.isEmpty() ? "(document)" : field) + ": " + reason);
        this.file = file;
        this.field = field;
        this.reason = reason;
    }

    public String file() { return file; }
    public String field() { return field; }
    public String reason() { return reason; }
}
