package caravan.api;

/**
 * What a model name a client sends may contain. It is data from then on (a catalog key, a provider's
 * model, a response header, a metric label only when the gateway knows it), never endpoint syntax; the
 * characters that would mean something in a URI or a header are refused up front.
 */
public final class ModelNames {

    public static final int MAX_LENGTH = 256;

    private ModelNames() {
    }

    /** @throws GatewayException 400 naming {@code param} when the name is too long or holds a forbidden character */
    public static void check(String name, String param) {
        if (name.length() > MAX_LENGTH) {
            throw GatewayException.badRequest("Invalid '" + param + "': a model name has at most " + MAX_LENGTH
                    + " characters, this one has " + name.length() + ".", param, "invalid_value");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || c == '?' || c == '&' || c == '#') {
                throw GatewayException.badRequest("Invalid '" + param + "': a model name may not contain "
                        + describe(c) + ".", param, "invalid_value");
            }
        }
    }

    private static String describe(char c) {
        return Character.isISOControl(c) ? String.format("control characters (U+%04X)", (int) c) : "'" + c + "'";
    }
}
