package caravan.audit;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import caravan.api.Json;
import caravan.api.ProviderAccount;
import caravan.keys.Budget;
import caravan.keys.BudgetPeriod;
import caravan.keys.Limits;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Digests of what an object is: the same state digests the same however it was written, any change shows, no secret counts. */
class StateDigestsTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");
    final StateDigests digests = new StateDigests(new AuditChain(new byte[32])::fingerprint);

    @Test
    void aKeysDigestIsOfItsStateNotOfItsSecretOrWhenItWasWritten() {
        VirtualKey key = key("digest-one", "ck-prefix", T0, json("{\"plan\":\"paid\",\"env\":{\"b\":1,\"a\":2}}"), "50");
        VirtualKey sameState = key("digest-two", "ck-other", T0.plusSeconds(60),
                json("{\"env\":{\"a\":2,\"b\":1},\"plan\":\"paid\"}"), "50.000000000");

        assertThat(digests.key(sameState)).isEqualTo(digests.key(key)).matches("[0-9a-f]{64}");
        assertThat(digests.key(key("digest-one", "ck-prefix", T0, json("{\"plan\":\"free\"}"), "50")))
                .isNotEqualTo(digests.key(key));
        assertThat(digests.key(key("digest-one", "ck-prefix", T0, json("{\"plan\":\"paid\",\"env\":{\"b\":1,\"a\":2}}"), "50.5")))
                .isNotEqualTo(digests.key(key));
    }

    @Test
    void aTenantsProviderKeyCountsOnlyAsAFingerprintThatChangesWithIt() {
        String one = digests.tenant(tenant("sk-provider-one"));

        assertThat(digests.tenant(tenant("sk-provider-one"))).isEqualTo(one);
        assertThat(digests.tenant(tenant("sk-provider-two"))).isNotEqualTo(one);
        assertThat(new String(StateDigests.canonical(Json.MAPPER.valueToTree(Map.of("b", 1, "a", List.of(Map.of("d", 1, "c", 2))))),
                StandardCharsets.UTF_8)).isEqualTo("{\"a\":[{\"c\":2,\"d\":1}],\"b\":1}");
        // a digest made with another audit key differs: the fingerprint is keyed
        assertThat(new StateDigests(new AuditChain(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32})::fingerprint).tenant(tenant("sk-provider-one")))
                .isNotEqualTo(one);
    }

    @Test
    void aFilesDigestIsWhatSha256sumPrints() throws Exception {
        byte[] bytes = "- route:\n    id: version\n".getBytes(StandardCharsets.UTF_8);

        assertThat(StateDigests.file(new ByteArrayInputStream(bytes)))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }

    private static VirtualKey key(String digest, String prefix, Instant written, ObjectNode metadata, String budget) {
        return new VirtualKey("key_1", digest, prefix, "search", "acme", "team", "alice", List.of("openai/*"),
                new Limits(60L, null, 4, null, null), new Budget(new BigDecimal(budget), BudgetPeriod.MONTH),
                T0.plusSeconds(86_400), metadata, written, written, null);
    }

    private static Tenant tenant(String providerKey) {
        return new Tenant("acme", Limits.NONE, Budget.NONE,
                Map.of("openai", new ProviderAccount(providerKey, "https://api.openai.com/v1")),
                Json.MAPPER.createObjectNode(), T0, T0);
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
