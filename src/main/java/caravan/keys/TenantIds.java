package caravan.keys;

import java.util.regex.Pattern;

import caravan.api.GatewayException;

/**
 * A tenant id is a short name (letters, digits, {@code . _ -}): it becomes a metric label and part of the
 * limit store's keys. Checked where a tenant is named: the admin API, and {@code x-caravan-tenant}.
 */
public final class TenantIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private TenantIds() {
    }

    public static String check(String id, String param) {
        if (id == null || !VALID.matcher(id).matches()) {
            throw GatewayException.badRequest("Invalid '" + param + "': a tenant id is 1 to 64 letters, digits, '.', '_' "
                    + "or '-', starting with a letter or digit.", param, "invalid_value");
        }
        return id;
    }
}
