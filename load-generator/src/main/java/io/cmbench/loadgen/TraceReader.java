package io.cmbench.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Streams a trace file record by record (the file is never loaded whole). Malformed lines throw a
 * {@link WorkloadException} naming the file, the line and the field. Records must be in time order.
 */
public abstract class TraceReader implements Iterator<TraceRecord>, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter AZURE_TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter(Locale.ROOT);

  protected final TraceSpec spec;
  protected final String source;
  private final BufferedReader in;
  private int lineNo;
  private TraceRecord next;
  private boolean done;
  private double firstMicros = Double.NaN;
  private double lastRawMicros = Double.NEGATIVE_INFINITY;

  private TraceReader(TraceSpec spec) {
    this.spec = spec;
    this.source = spec.file().toString();
    try {
      this.in = Files.newBufferedReader(spec.file(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new WorkloadException(source, 0, null, "cannot read trace file: " + e, e);
    }
  }

  static TraceReader open(TraceSpec spec) {
    return switch (spec.format()) {
      case AZURE -> new Azure(spec);
      case MOONCAKE -> new Mooncake(spec);
    };
  }

  /** Parses one non-blank line; returns null to skip it (e.g. a header). */
  protected abstract Raw parse(String line, int lineNo);

  /** A parsed line before time normalisation. */
  protected record Raw(double timeMicros, String timeField, int prompt, int output, long[] hashIds) {}

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (done) {
      return false;
    }
    try {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        Raw raw = parse(line, lineNo);
        if (raw == null) {
          continue;
        }
        if (raw.timeMicros() < lastRawMicros) {
          throw error(lineNo, raw.timeField(), "not in time order (earlier than the previous record)");
        }
        lastRawMicros = raw.timeMicros();
        if (Double.isNaN(firstMicros)) {
          firstMicros = raw.timeMicros();
        }
        long arrival = (long) StrictMath.floor((raw.timeMicros() - firstMicros) * spec.timeScale());
        next = new TraceRecord(lineNo, arrival, raw.prompt(), raw.output(), raw.hashIds());
        return true;
      }
      done = true;
      close();
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(source + ":" + lineNo + ": read failed", e);
    }
  }

  @Override
  public TraceRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    TraceRecord r = next;
    next = null;
    return r;
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  protected WorkloadException error(int line, String field, String problem) {
    return new WorkloadException(source, line, field, problem);
  }

  protected int tokens(String text, int line, String field) {
    String t = text.trim();
    try {
      long v = Long.parseLong(t);
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw error(line, field, "must be a token count >= 0 (got '" + t + "')");
      }
      return (int) v;
    } catch (NumberFormatException e) {
      // Some exports write integral floats ("123.0").
      try {
        double d = Double.parseDouble(t);
        if (d >= 0 && d <= Integer.MAX_VALUE && d == StrictMath.rint(d)) {
          return (int) d;
        }
      } catch (NumberFormatException ignored) {
        // fall through
      }
      throw error(line, field, "not a token count (got '" + t + "')");
    }
  }

  /** Azure LLM inference trace CSV. Columns are located by header name (case-insensitive). */
  static final class Azure extends TraceReader {
    private int timeCol = -1;
    private int ctxCol = -1;
    private int genCol = -1;
    private int columns;

    Azure(TraceSpec spec) {
      super(spec);
    }

    @Override
    protected Raw parse(String line, int lineNo) {
      String[] cells = line.split(",", -1);
      if (timeCol < 0) {
        for (int i = 0; i < cells.length; i++) {
          String h = cells[i].trim().replace("\"", "");
          if (h.equalsIgnoreCase("TIMESTAMP")) {
            timeCol = i;
          } else if (h.equalsIgnoreCase("ContextTokens")) {
            ctxCol = i;
          } else if (h.equalsIgnoreCase("GeneratedTokens")) {
            genCol = i;
          }
        }
        String missing = timeCol < 0 ? "TIMESTAMP" : ctxCol < 0 ? "ContextTokens" : genCol < 0 ? "GeneratedTokens" : null;
        if (missing != null) {
          throw error(lineNo, missing, "missing column in header (expected TIMESTAMP,ContextTokens,GeneratedTokens; got '" + line + "')");
        }
        columns = cells.length;
        return null;
      }
      if (cells.length != columns) {
        throw error(lineNo, null, "expected " + columns + " columns, got " + cells.length + " ('" + line + "')");
      }
      double t = parseTime(cells[timeCol].trim().replace("\"", ""), lineNo);
      int prompt = tokens(cells[ctxCol], lineNo, "ContextTokens");
      int output = tokens(cells[genCol], lineNo, "GeneratedTokens");
      return new Raw(t, "TIMESTAMP", prompt, output, new long[0]);
    }

    private double parseTime(String s, int lineNo) {
      if (s.isEmpty()) {
        throw error(lineNo, "TIMESTAMP", "empty");
      }
      char c = s.charAt(0);
      if (Character.isDigit(c) && s.indexOf('-') < 0 && s.indexOf(':') < 0) {
        try {
          return Double.parseDouble(s) * 1e6; // seconds
        } catch (NumberFormatException e) {
          throw error(lineNo, "TIMESTAMP", "not a time (got '" + s + "')");
        }
      }
      String norm = s.replace('T', ' ');
      if (norm.endsWith("Z")) {
        norm = norm.substring(0, norm.length() - 1);
      } else if (norm.endsWith("+00:00")) {
        norm = norm.substring(0, norm.length() - 6);
      }
      try {
        LocalDateTime dt = LocalDateTime.parse(norm, AZURE_TIME);
        long sec = dt.toEpochSecond(ZoneOffset.UTC);
        return sec * 1e6 + dt.getNano() / 1e3;
      } catch (DateTimeParseException e) {
        throw error(lineNo, "TIMESTAMP", "not a time 'yyyy-MM-dd HH:mm:ss[.fffffff]' (got '" + s + "')");
      }
    }
  }

  /** Mooncake JSONL trace: {@code timestamp} in milliseconds. */
  static final class Mooncake extends TraceReader {
    Mooncake(TraceSpec spec) {
      super(spec);
    }

    @Override
    protected Raw parse(String line, int lineNo) {
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw error(lineNo, null, "not valid JSON: " + e.getOriginalMessage());
      }
      if (n == null || !n.isObject()) {
        throw error(lineNo, null, "expected a JSON object, got '" + line + "'");
      }
      JsonNode ts = n.get("timestamp");
      if (ts == null || !ts.isNumber()) {
        throw error(lineNo, "timestamp", ts == null ? "missing" : "not a number (got " + ts + ")");
      }
      int prompt = intField(n, "input_length", lineNo);
      int output = intField(n, "output_length", lineNo);
      JsonNode ids = n.get("hash_ids");
      long[] hashIds;
      if (ids == null || ids.isNull()) {
        hashIds = new long[0];
      } else if (!ids.isArray()) {
        throw error(lineNo, "hash_ids", "not an array (got " + ids + ")");
      } else {
        hashIds = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
          JsonNode id = ids.get(i);
          if (!id.isIntegralNumber() || !id.canConvertToLong()) {
            throw error(lineNo, "hash_ids[" + i + "]", "not an integer (got " + id + ")");
          }
          hashIds[i] = id.longValue();
        }
      }
      return new Raw(ts.doubleValue() * 1e3, "timestamp", prompt, output, hashIds);
    }

    private int intField(JsonNode n, String field, int lineNo) {
      JsonNode v = n.get(field);
      if (v == null) {
        throw error(lineNo, field, "missing");
      }
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
        throw error(lineNo, field, "must be a token count >= 0 (got " + v + ")");
      }
      return v.intValue();
    }
  }
}
