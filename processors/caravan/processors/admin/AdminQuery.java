package caravan.processors.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import caravan.api.GatewayException;
import org.apache.camel.Exchange;

/** Reads the query parameters of an admin request ({@code ?tenant=...}). */
final class AdminQuery {

    private AdminQuery() {
    }

    /**
     * Every parameter of the request's query, in order; a name given twice is refused (400), as is one
     * this operation does not take.
     *
     * @param allowed the parameters this operation takes
     */
    static Map<String, String> parameters(Exchange exchange, Set<String> allowed) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals), "?");
            if (!allowed.contains(name)) {
                throw GatewayException.badRequest("Unknown parameter '" + name + "': this call takes "
                        + String.join(", ", allowed.stream().sorted().toList()) + ".", name, "unknown_parameter");
            }
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1), name);
            if (parameters.put(name, value) != null) {
                throw GatewayException.badRequest("The parameter '" + name + "' is given twice.", name, "invalid_value");
            }
        }
        return parameters;
    }

    private static String decode(String text, String parameter) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw GatewayException.badRequest("The parameter '" + parameter + "' is not %-encoded properly.", parameter,
                    "invalid_value");
        }
    }

    static String parameter(Exchange exchange, String name) {
        String query = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}
