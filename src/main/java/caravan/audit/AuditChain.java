package caravan.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How each audit record is bound to the one before it: its {@code mac} is the HMAC-SHA-256, under the
 * audit key, of the previous record's mac and every field of its own, its {@code seq} included. Editing a
 * field, removing a record or moving one breaks the mac of that record or of the one after it, and
 * nobody without the key can compute a mac that fits.
 *
 * <p>The fields are encoded without ambiguity (lengths before strings, null distinct from empty), so no two
 * different records share an input. The first record chains to {@link #GENESIS}.
 */
public final class AuditChain {

    /** What the first record chains to: a mac no record can have. */
    public static final String GENESIS = "0".repeat(64);

    private static final byte[] LABEL = "caravan audit record v1".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec key;

    /** @param key at least 32 bytes: {@code GATEWAY_AUDIT_KEY}, or the one derived from the gateway secret */
    public AuditChain(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("The audit key must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** The mac of the record {@code seq} holding {@code event}, after the record whose mac is {@code previousMac}. */
    public String mac(String previousMac, long seq, AuditEvent event) {
        return mac(newMac(), previousMac, seq, event);
    }

    /** The same with a Mac of the caller's ({@link #newMac()}): verifying a long log makes one, not one per record. */
    String mac(Mac mac, String previousMac, long seq, AuditEvent event) {
        ByteArrayOutputStream input = new ByteArrayOutputStream(256);
        input.writeBytes(LABEL);
        text(input, previousMac);
        number(input, seq);
        number(input, event.at().toEpochMilli());
        text(input, event.actor());
        text(input, event.action());
        text(input, event.object());
        text(input, event.digest());
        return HexFormat.of().formatHex(mac.doFinal(input.toByteArray()));
    }

    /**
     * A keyed fingerprint of a secret value (a tenant's provider key): it changes when the value changes,
     * so a state digest shows a rotated key, yet says nothing of the value without the audit key.
     */
    public String fingerprint(String secretValue) {
        Mac mac = newMac();
        mac.update("caravan audit secret fingerprint v1".getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return HexFormat.of().formatHex(mac.doFinal(secretValue.getBytes(StandardCharsets.UTF_8)));
    }

    Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "AuditChain[HMAC-SHA-256]";
    }

    private static void number(ByteArrayOutputStream out, long value) {
        out.writeBytes(ByteBuffer.allocate(Long.BYTES).putLong(value).array());
    }

    /** Length first (-1 for null), then the UTF-8 bytes. */
    private static void text(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }
}
