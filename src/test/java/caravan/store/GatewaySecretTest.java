package caravan.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GATEWAY_SECRET_KEY: digests of virtual keys and sealing of provider accounts. */
class GatewaySecretTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dataDir;

    @Test
    void digestsAKeyTheSameWayForTheSameSecretOnly() {
        String configured = randomBase64(32);
        GatewaySecret secret = GatewaySecret.load(configured, dataDir);

        String digest = secret.digest("sk-caravan-abc");

        assertThat(digest).matches("[0-9a-f]{64}");
        assertThat(GatewaySecret.load(configured, dataDir).digest("sk-caravan-abc")).isEqualTo(digest);
        assertThat(secret.digest("sk-caravan-abd")).isNotEqualTo(digest);
        assertThat(GatewaySecret.load(randomBase64(32), dataDir).digest("sk-caravan-abc")).isNotEqualTo(digest);
    }

    @Test
    void acceptsTheSameSecretInHexAndInBase64() {
        byte[] bytes = randomBytes(48);
        String fromHex = GatewaySecret.load(HexFormat.of().formatHex(bytes), dataDir).digest("k");

        assertThat(GatewaySecret.load(Base64.getEncoder().encodeToString(bytes), dataDir).digest("k")).isEqualTo(fromHex);
        assertThat(GatewaySecret.load(HexFormat.of().withUpperCase().formatHex(bytes), dataDir).digest("k")).isEqualTo(fromHex);
        assertThat(GatewaySecret.load(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n", dataDir).digest("k"))
                .isEqualTo(fromHex);
    }

    @Test
    void sealsWithAFreshNonceAndOpensWhatItSealed() {
        GatewaySecret secret = GatewaySecret.load(randomBase64(32), dataDir);

        String first = secret.seal("{\"openai\":{\"api_key\":\"sk-provider-123\"}}", "acme");
        String second = secret.seal("{\"openai\":{\"api_key\":\"sk-provider-123\"}}", "acme");

        assertThat(first).startsWith("v1:").doesNotContain("sk-provider-123").isNotEqualTo(second);
        assertThat(secret.open(first, "acme")).isEqualTo("{\"openai\":{\"api_key\":\"sk-provider-123\"}}");
        assertThat(secret.open(second, "acme")).isEqualTo(secret.open(first, "acme"));
        assertThat(secret.open(secret.seal("", "acme"), "acme")).isEmpty();
    }

    @Test
    void refusesATamperedValueAnotherContextAndAnotherSecret() {
        GatewaySecret secret = GatewaySecret.load(randomBase64(32), dataDir);
        String sealed = secret.seal("sk-provider-123", "acme");
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(3));
        bytes[bytes.length - 20] ^= 1;
        String tampered = "v1:" + Base64.getEncoder().encodeToString(bytes);

        assertThatThrownBy(() -> secret.open(tampered, "acme"))
                .isInstanceOf(IllegalStateException.class).hasMessageNotContaining("sk-provider-123");
        assertThatThrownBy(() -> secret.open(sealed, "globex"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another owner");
        assertThatThrownBy(() -> GatewaySecret.load(randomBase64(32), dataDir).open(sealed, "acme"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GATEWAY_SECRET_KEY");
        assertThatThrownBy(() -> secret.open("v2:" + sealed.substring(3), "acme")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> secret.open("v1:AAAA", "acme")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void generatesAnOwnerOnlyKeyFileOnceAndWarnsAboutIt() throws Exception {
        Path home = dataDir.resolve("not-yet-there");
        ListAppender<ILoggingEvent> log = capture();
        try {
            GatewaySecret generated = GatewaySecret.load(null, home);
            GatewaySecret reloaded = GatewaySecret.load(" ", home);

            Path file = home.resolve("secret.key");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Base64.getDecoder().decode(Files.readString(file).trim())).hasSize(32);
            assertThat(reloaded.digest("sk-caravan-abc")).isEqualTo(generated.digest("sk-caravan-abc"));
            assertThat(log.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getFormattedMessage()).contains(file.toString()).contains("same GATEWAY_SECRET_KEY");
            });
        } finally {
            release(log);
        }
    }

    @Test
    void readsAKeyFileWrittenByHand() throws Exception {
        byte[] bytes = randomBytes(32);
        Files.writeString(dataDir.resolve("secret.key"), HexFormat.of().formatHex(bytes) + "\n");

        assertThat(GatewaySecret.load(null, dataDir).digest("k"))
                .isEqualTo(GatewaySecret.load(Base64.getEncoder().encodeToString(bytes), dataDir).digest("k"));
    }

    @Test
    void rejectsAShortOrUndecodableKeyWithoutRepeatingIt() {
        String shortKey = randomBase64(16);
        String shortHex = HexFormat.of().formatHex(randomBytes(31));
        String garbage = "this is not a key, it is a sentence!";

        assertThatThrownBy(() -> GatewaySecret.load(shortKey, dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 bytes").hasMessageContaining("at least 32")
                .hasMessageNotContaining(shortKey);
        assertThatThrownBy(() -> GatewaySecret.load(shortHex, dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("31 bytes")
                .hasMessageNotContaining(shortHex);
        assertThatThrownBy(() -> GatewaySecret.load(garbage, dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither base64 nor hex")
                .hasMessageNotContaining(garbage);
    }

    @Test
    void showsNoKeyMaterial() {
        String configured = randomBase64(32);
        GatewaySecret secret = GatewaySecret.load(configured, dataDir);

        assertThat(secret.toString()).contains("GATEWAY_SECRET_KEY").doesNotContain(configured);
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(GatewaySecret.class)).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(GatewaySecret.class)).detachAppender(appender);
    }

    private static String randomBase64(int bytes) {
        return Base64.getEncoder().encodeToString(randomBytes(bytes));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
