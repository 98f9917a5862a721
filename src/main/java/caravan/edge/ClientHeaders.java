package caravan.edge;

import java.util.Map;

import io.vertx.core.MultiMap;

/**
 * The request headers that become message headers of the exchange: only those some step reads. Custom
 * {@code x-*} headers (routing conditions read {@code headers.x-...}; {@code x-caravan-*} asks the gateway
 * for something), the W3C trace context a request continues, {@code Accept}, and {@code Cache-Control} (which
 * steers the response cache). Everything else stays
 * out: {@code Camel*} names would set the route's own controls (a client's {@code CamelHttpResponseCode}
 * would choose the status of its answer), credentials were checked at the edge and must not be carried
 * further, and framing headers describe the request, not the exchange.
 */
final class ClientHeaders {

    private static final String[] READ = {"accept", "traceparent", "tracestate", "baggage", "cache-control"};

    private ClientHeaders() {
    }

    static void copy(MultiMap from, Map<String, Object> to) {
        for (Map.Entry<String, String> header : from) {
            String name = header.getKey();
            if (read(name)) {
                to.putIfAbsent(name, header.getValue());
            }
        }
    }

    static boolean read(String name) {
        if (name.length() > 2 && (name.charAt(0) == 'x' || name.charAt(0) == 'X') && name.charAt(1) == '-') {
            return !name.equalsIgnoreCase("x-api-key");
        }
        for (String known : READ) {
            if (known.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
