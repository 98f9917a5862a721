package caravan.keys;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** New key secrets and ids: {@code ck-} and 32 random bytes, shown to the admin once; ids name keys everywhere else. */
public final class KeySecrets {

    public static final String PREFIX = "ck-";
    /** How much of a secret the admin API shows. */
    public static final int SHOWN = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "key_" + HexFormat.of().formatHex(bytes);
    }

    /** What may be shown of a secret: its first characters. */
    public static String shown(String secret) {
        return secret.substring(0, Math.min(SHOWN, secret.length()));
    }

    /** Whether a presented credential looks like a virtual key (anything else may be the master key). */
    public static boolean looksLikeKey(String presented) {
        return presented.startsWith(PREFIX);
    }
}
