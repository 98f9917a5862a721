package caravan.providers;

import java.util.Map;

/** One HTTP POST to a provider, as a codec built it: absolute URL, headers (credentials included), body. */
public record UpstreamRequest(String url, Map<String, String> headers, byte[] body) {
}
