package caravan.api;

import java.util.function.Function;

/**
 * Checks the credentials a request presents in its headers. The HTTP edge asks it before reading a body,
 * so a caller without a valid key never makes the gateway hold a byte of what it sends; the
 * {@code authenticate} route step is the same object, and asks it again only where no edge did.
 */
public interface Authenticator {

    /**
     * @param header the request's header of that name (case-insensitive), or null
     * @return the caller, or null when the request presents no credentials at all
     * @throws GatewayException 401 when the credentials it presents open nothing
     */
    Caller identify(Function<String, String> header);

    /** True when every request must present credentials (a master key is set). */
    boolean required();
}
