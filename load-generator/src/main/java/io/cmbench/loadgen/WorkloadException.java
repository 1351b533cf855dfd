package io.cmbench.loadgen;

/**
 * An invalid workload file or trace line. The message names the source file, the line (where
 * known), the field and the offending value, e.g. {@code chat.yaml:7: arrival.rate: must be > 0
 * (got -3)}.
 */
public class WorkloadException extends IllegalArgumentException {
  private final String source;
  private final int line;
  private final String field;

  public WorkloadException(String source, int line, String field, String problem) {
    this(source, line, field, problem, null);
  }

  public WorkloadException(String source, int line, String field, String problem, Throwable cause) {
    super(format(source, line, field, problem), cause);
    this.source = source;
    this.line = line;
    this.field = field;
  }

  private static String format(String source, int line, String field, String problem) {
    StringBuilder sb = new StringBuilder();
    sb.append(source == null ? "<workload>" : source);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (field != null && !field.isEmpty()) {
      sb.append(field).append(": ");
    }
    return sb.append(problem).toString();
  }

  /** The file (or resource) name. */
  public String source() {
    return source;
  }

  /** 1-based line number, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The field (dotted path for YAML, column name for traces), or null. */
  public String field() {
    return field;
  }
}
