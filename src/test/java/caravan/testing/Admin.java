package caravan.testing;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API of a gateway under test, called with its master key. */
public final class Admin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayUnderTest gateway;
    private final String masterKey;

    public Admin(GatewayUnderTest gateway, String masterKey) {
        this.gateway = gateway;
        this.masterKey = masterKey;
    }

    public HttpResponse<String> call(String method, String path, String json) {
        return gateway.call(method, path, json, "Authorization", "Bearer " + masterKey);
    }

    /** Makes a key and returns the create answer (with its secret in {@code key}). */
    public JsonNode createKey(String json) {
        return ok(call("POST", "/admin/keys", json), 201);
    }

    public JsonNode createTenant(String json) {
        return ok(call("POST", "/admin/tenants", json), 201);
    }

    public JsonNode get(String path) {
        return ok(call("GET", path, null), 200);
    }

    public JsonNode patch(String path, String json) {
        return ok(call("PATCH", path, json), 200);
    }

    public JsonNode delete(String path) {
        return ok(call("DELETE", path, null), 200);
    }

    public static JsonNode ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as("%s", response.body()).isEqualTo(status);
        return json(response);
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
