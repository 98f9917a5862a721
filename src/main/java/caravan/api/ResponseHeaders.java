package caravan.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

/**
 * Headers a step adds to its call's answer ({@code x-caravan-cache}, {@code x-ratelimit-*}, ...), kept in
 * {@link Variables#RESPONSE_HEADERS}; the edge writes them on the whole answer, on a stream's head or on
 * the error, whichever the client gets. A header added after a stream's head went out is too late.
 */
public final class ResponseHeaders {

    private ResponseHeaders() {
    }

    /** Adds (or replaces) a header of the answer. */
    public static void put(Exchange exchange, String name, String value) {
        headers(exchange).put(name, value);
    }

    /** The headers steps added so far, or null when none did. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> of(Exchange exchange) {
        return exchange.getVariable(Variables.RESPONSE_HEADERS, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> headers(Exchange exchange) {
        Map<String, String> headers = exchange.getVariable(Variables.RESPONSE_HEADERS, Map.class);
        if (headers == null) {
            headers = new LinkedHashMap<>(4);
            exchange.setVariable(Variables.RESPONSE_HEADERS, headers);
        }
        return headers;
    }
}
