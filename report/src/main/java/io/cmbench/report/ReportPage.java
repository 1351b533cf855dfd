package io.cmbench.report;

import static io.cmbench.report.Fmt.esc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The frame every report page shares (the run report, the comparison, the capacity and plan pages): the document head
 * with the inlined style and error catcher, the self-check marker and script at the end, and the atomic write.
 */
final class ReportPage {
    private ReportPage() {}

    /** Doctype, head (title, style, the script that records errors) and the opening body tag. */
    static void open(StringBuilder b, String title) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(ReportHtml.resource("report.css"))
                .append("</style>\n<script>\n").append(ReportHtml.resource("report-errors.js")).append("</script>\n</head>\n<body>\n");
    }

    /** The self-check marker (closing the footer the caller opened), the self-check script and the closing tags. */
    static void close(StringBuilder b) {
        b.append("<p id=\"report-check\" data-status=\"pending\">page self-check did not run</p></footer>\n");
        b.append("<script>\n").append(ReportHtml.resource("report-check.js")).append("</script>\n</body>\n</html>\n");
    }

    /** Writes {@code html} to {@code out} through a temporary file in the same directory, readable by all. */
    static Path write(Path out, String html, String tmpPrefix) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, tmpPrefix, ".html.tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            try { // a temp file is owner-only; a report is meant to be shared
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out;
    }
}
