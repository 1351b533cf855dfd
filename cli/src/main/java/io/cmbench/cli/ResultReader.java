package io.cmbench.cli;

import io.cmbench.cluster.kafka.TopicReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Reads a result topic back. A record that does not decode (something else wrote into this run's topic) is counted
 * per topic and skipped, so it cannot wreck the results of a run that otherwise finished.
 */
final class ResultReader {
    private ResultReader() {}

    interface Decoder<T> {
        T decode(byte[] bytes) throws IOException;
    }

    /**
     * Hands each record of the topic that decodes to {@code each}, holding none of them; {@code foreign} gets the
     * topic's count of those that do not, if any.
     */
    static <T> void forEach(String bootstrap, Properties clientProperties, String topic, Map<String, Long> foreign,
                            Decoder<T> decoder, java.util.function.Consumer<T> each) {
        long[] skipped = {0};
        TopicReader.forEach(bootstrap, clientProperties, topic, b -> {
            T t;
            try {
                t = decoder.decode(b);
            } catch (IOException | RuntimeException notOurs) {
                skipped[0]++;
                return;
            }
            each.accept(t);
        });
        if (skipped[0] > 0) {
            foreign.merge(topic, skipped[0], Long::sum);
        }
    }

    /** The topic's records that decode; {@code foreign} gets the topic's count of those that do not, if any. */
    static <T> List<T> read(String bootstrap, Properties clientProperties, String topic, Map<String, Long> foreign,
                            Decoder<T> decoder) {
        List<T> all = TopicReader.readAll(bootstrap, clientProperties, topic, b -> {
            try {
                return decoder.decode(b);
            } catch (IOException | RuntimeException notOurs) {
                return null;
            }
        });
        long skipped = all.stream().filter(Objects::isNull).count();
        if (skipped > 0) {
            foreign.merge(topic, skipped, Long::sum);
        }
        return new ArrayList<>(all.stream().filter(Objects::nonNull).toList());
    }
}
