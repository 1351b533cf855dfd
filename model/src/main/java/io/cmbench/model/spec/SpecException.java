package io.cmbench.model.spec;

/**
 * A profile, model or deployment description that cannot be used. The message always names the file, the line where
 * it is known, the field (dotted path) and the reason, e.g. {@code profiles/x.yaml:12: die.hbm_bandwidth: must be > 0}.
 */
public final class SpecException extends RuntimeException {
    private final String file;
    private final int line;
    private final String field;
    private final String reason;

    public SpecException(String file, String field, String reason) {
        this(file, 0, field, reason);
    }

    public SpecException(String file, int line, String field, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (field == null || field.isEmpty() ? "(document)" : field) + ": " + reason);
        this.file = file;
        this.line = line;
        this.field = field;
        this.reason = reason;
    }

    public String file() { return file; }
    /** 1-based line, or 0 when unknown. */
    public int line() { return line; }
    public String field() { return field; }
    public String reason() { return reason; }
}
