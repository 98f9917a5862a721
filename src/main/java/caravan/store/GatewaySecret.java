package caravan.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key material behind {@code GATEWAY_SECRET_KEY}. Virtual keys are stored only as its HMAC digests,
 * and tenants' provider accounts only sealed with it (AES-256-GCM), so a copy of the database opens
 * nothing without it. Sub-keys are derived from it, one per use (key digests, sealing, and the audit log's
 * chain unless {@code GATEWAY_AUDIT_KEY} gives one), so that one use never says anything about another's key.
 *
 * <p>Without {@code GATEWAY_SECRET_KEY} the key is generated once into {@code <dataDir>/secret.key}: right
 * for one instance with its embedded database; instances sharing a database must share the key explicitly.
 */
public final class GatewaySecret {

    private static final Logger LOG = LoggerFactory.getLogger(GatewaySecret.class);

    static final String FILE_NAME = "secret.key";
    private static final int MIN_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String SEALED_PREFIX = "v1:";
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec digestKey;
    private final SecretKeySpec encryptionKey;
    private final byte[] auditKey;
    private final String source;
    /** Mac instances are not thread-safe and costly to look up: one per thread that digests keys. */
    private final ThreadLocal<Mac> digestMac;

    private GatewaySecret(byte[] secret, String source) {
        this.digestKey = new SecretKeySpec(hmac(secret, "caravan virtual key digest v1"), "HmacSHA256");
        this.encryptionKey = new SecretKeySpec(hmac(secret, "caravan provider account sealing v1"), "AES");
        this.auditKey = hmac(secret, "caravan audit log chain v1");
        this.source = source;
        this.digestMac = ThreadLocal.withInitial(() -> mac(digestKey));
    }

    /**
     * @param configured {@code GATEWAY_SECRET_KEY}: base64 or hex of at least 32 bytes; null or blank to
     *                   use (or create) {@code <dataDir>/secret.key}
     * @throws IllegalArgumentException when the key is too short or neither base64 nor hex (the message
     *                                  says so without repeating it)
     */
    public static GatewaySecret load(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            return new GatewaySecret(decode(configured, "GATEWAY_SECRET_KEY"), "GATEWAY_SECRET_KEY");
        }
        Path file = dataDir.toAbsolutePath().normalize().resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                generate(file);
            }
            return new GatewaySecret(decode(Files.readString(file, StandardCharsets.US_ASCII), file.toString()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the gateway secret key " + file, e);
        }
    }

    /**
     * The key the audit log's records are chained with when {@code GATEWAY_AUDIT_KEY} is not set: derived
     * from the secret with its own label, so the chain's key says nothing about the secret or its other uses.
     */
    public byte[] auditKey() {
        return auditKey.clone();
    }

    /**
     * Key material given as the gateway's settings give it: hex when it is only hex digits, else base64
     * (standard or URL-safe), of at least 32 bytes.
     *
     * @param setting the setting's name, for the message
     * @throws IllegalArgumentException when it is too short or neither base64 nor hex (without repeating it)
     */
    public static byte[] decodeKey(String value, String setting) {
        return decode(value, setting);
    }

    /** The stored form of a virtual key: lowercase hex HMAC-SHA-256, the same for the same key and secret. */
    public String digest(String virtualKey) {
        return HexFormat.of().formatHex(digestMac.get().doFinal(virtualKey.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Encrypts {@code plaintext} for the store: {@code v1:} and base64 of a random nonce and the AES-GCM
     * ciphertext with its tag. {@code context} (e.g. the tenant id) is bound in as associated data, so a
     * sealed value copied to another tenant's row does not open there.
     */
    public String seal(String plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            byte[] ciphertext = cipher(Cipher.ENCRYPT_MODE, nonce, context).doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = Arrays.copyOf(nonce, NONCE_BYTES + ciphertext.length);
            System.arraycopy(ciphertext, 0, sealed, NONCE_BYTES, ciphertext.length);
            return SEALED_PREFIX + Base64.getEncoder().encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this Java runtime", e);
        }
    }

    /**
     * The inverse of {@link #seal}.
     *
     * @throws IllegalStateException when it was altered, sealed for another context or with another secret
     */
    public String open(String sealed, String context) {
        byte[] bytes;
        try {
            if (!sealed.startsWith(SEALED_PREFIX)) {
                throw new IllegalArgumentException();
            }
            bytes = Base64.getDecoder().decode(sealed.substring(SEALED_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("A sealed value is not in the v1: form this gateway writes");
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("A sealed value is too short to be one this gateway wrote");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, NONCE_BYTES), context);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // no cause: nothing of the value or the key belongs in a log
            throw new IllegalStateException("A sealed value does not open: it was altered, sealed for another owner,"
                    + " or with another GATEWAY_SECRET_KEY");
        }
    }

    @Override
    public String toString() {
        return "GatewaySecret[from " + source + "]";
    }

    private Cipher cipher(int mode, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(Objects.requireNonNull(context, "context").getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** 32 random bytes, base64, into a file only its owner may read, created so before a byte is written. */
    private static void generate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] secret = new byte[MIN_BYTES];
        RANDOM.nextBytes(secret);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try {
            Files.createFile(file, ownerOnly);
        } catch (FileAlreadyExistsException e) {
            return; // another instance on the same data directory made it first: use theirs
        }
        if (!posix) {
            java.io.File plain = file.toFile();
            plain.setReadable(false, false);
            plain.setWritable(false, false);
            plain.setReadable(true, true);
            plain.setWritable(true, true);
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(secret) + "\n", StandardCharsets.US_ASCII,
                StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        LOG.warn("GATEWAY_SECRET_KEY is not set: generated a gateway secret key into {} (keep it: without it stored keys"
                + " and provider accounts do not open). Gateway instances that share a database must all be given"
                + " the same GATEWAY_SECRET_KEY explicitly.", file);
    }

    /** Hex when it is only hex digits, else base64 (standard or URL-safe, padded or not). */
    private static byte[] decode(String value, String what) {
        String trimmed = value.trim();
        byte[] secret;
        if (HEX.matcher(trimmed).matches()) {
            secret = HexFormat.of().parseHex(trimmed);
        } else {
            try {
                secret = trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0
                        ? Base64.getUrlDecoder().decode(trimmed)
                        : Base64.getDecoder().decode(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " is neither base64 nor hex (generate one with: openssl rand -base64 32)");
            }
        }
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException(what + " holds " + secret.length + " bytes; at least " + MIN_BYTES
                    + " are needed (generate one with: openssl rand -base64 32)");
        }
        return secret;
    }

    private static byte[] hmac(byte[] key, String label) {
        return mac(new SecretKeySpec(key, "HmacSHA256")).doFinal(label.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this Java runtime", e);
        }
    }
}
