package caravan.telemetry;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Message;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.SpanContextPropagationInjector;

/**
 * Trace-context carriers that cost nothing when unused. Camel's default copies every header into a new
 * case-insensitive map for every span and writes {@code traceparent} back into the message for every
 * span: the inbound span only needs to read the caller's headers, and a child span neither reads nor writes.
 */
final class HeaderCarriers {

    private HeaderCarriers() {
    }

    static final SpanContextPropagationExtractor NONE = new SpanContextPropagationExtractor() {
        @Override
        public Iterator<Map.Entry<String, Object>> iterator() {
            return Collections.emptyIterator();
        }

        @Override
        public Object get(String key) {
            return null;
        }

        @Override
        public Set<String> keys() {
            return Set.of();
        }
    };

    static final SpanContextPropagationInjector DISCARD = (key, value) -> {
    };

    /** Reads the message's own (case-insensitive) headers, only the ones a propagator asks for. */
    static SpanContextPropagationExtractor of(Message message) {
        return new SpanContextPropagationExtractor() {
            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return message.getHeaders().entrySet().iterator();
            }

            @Override
            public Object get(String key) {
                Object value = message.getHeader(key);
                return value instanceof String ? value : null;
            }

            @Override
            public Set<String> keys() {
                return message.getHeaders().keySet();
            }
        };
    }
}
