package io.cmbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command's help reads as written: no line wider than the terminal width, no word broken across lines (e.g.
 * "completions.\njsonl"), descriptions in whole sentences (the command list shows each command's first one in full),
 * and nothing picocli has to warn about.
 */
class HelpTextTest {
    private static final int WIDTH = 80;

    @Test
    void noHelpLineIsWiderThanTheTerminalOrBreaksAWord() {
        for (CommandLine c : commands(Main.commandLine())) {
            String name = c.getCommandSpec().qualifiedName();
            String narrow = usage(c, WIDTH);
            for (String line : narrow.lines().toList()) {
                assertThat(line.length()).as(name + ": " + line).isLessThanOrEqualTo(WIDTH);
            }
            // wrapped at 80 columns, the help holds the same words as unwrapped: a word cut in two would be two
            List<String> wrapped = words(narrow);
            List<String> whole = words(usage(c, 2000));
            int i = 0;
            while (i < Math.min(wrapped.size(), whole.size()) && wrapped.get(i).equals(whole.get(i))) {
                i++;
            }
            assertThat(i).as(name + ": a word broken by the wrapping: '" + (i < whole.size() ? whole.get(i) : "")
                    + "' became '" + (i < wrapped.size() ? wrapped.get(i) : "") + "'").isEqualTo(whole.size());
            assertThat(wrapped).hasSameSizeAs(whole);
        }
    }

    @Test
    void descriptionsAreWholeSentences() {
        for (CommandLine c : commands(Main.commandLine())) {
            String name = c.getCommandSpec().qualifiedName();
            String[] description = c.getCommandSpec().usageMessage().description();
            assertThat(description).as(name + " has a description").isNotEmpty();
            // the parent's command list shows the first element alone: it must be a sentence of its own
            for (String d : description) {
                assertThat(d.strip()).as(name + ": each paragraph ends its sentence").matches("(?s).*[.:)]$");
            }
            for (OptionSpec o : c.getCommandSpec().options()) {
                if (o.description().length > 1) {
                    for (String d : o.description()) {
                        assertThat(d.strip()).as(name + " " + o.longestName() + ": each paragraph ends its sentence")
                                .matches("(?s).*[.:)]$");
                    }
                }
            }
        }
    }

    @Test
    void picocliHasNothingToWarnAbout() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (CommandLine c : commands(Main.commandLine())) {
                usage(c, WIDTH);
            }
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static String usage(CommandLine c, int width) {
        c.setUsageHelpWidth(width);
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private static List<CommandLine> commands(CommandLine root) {
        List<CommandLine> out = new ArrayList<>();
        out.add(root);
        for (CommandLine sub : root.getSubcommands().values()) {
            out.addAll(commands(sub));
        }
        return out;
    }
}
