package caravan.providers.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for requests signed in the {@code Authorization} header: canonical request,
 * string to sign, signing key and signature, as AWS's "Create a signed AWS API request" describes, checked
 * against AWS's published SigV4 test suite. The payload hash goes into the canonical request only; the
 * {@code x-amz-content-sha256} header is an S3 requirement that other services, Bedrock included, do
 * not have. Paths are treated as non-S3 services treat them: each segment of the path as sent is
 * URI-encoded once more, so a model id segment sent as {@code a%3Ab} is signed as {@code a%253Ab}.
 */
public final class SigV4Signer {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern SPACE_RUNS = Pattern.compile(" {2,}");

    private final String accessKey;
    private final String secretKey;
    private final String sessionToken;
    private final String region;
    private final String service;
    private final Clock clock;

    /**
     * @param sessionToken the session token of temporary credentials, or null; when set it is sent and
     *                     signed as {@code X-Amz-Security-Token}
     */
    public SigV4Signer(String accessKey, String secretKey, String sessionToken, String region, String service,
                       Clock clock) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.sessionToken = sessionToken == null || sessionToken.isBlank() ? null : sessionToken;
        this.region = region;
        this.service = service;
        this.clock = clock;
    }

    /**
     * One request to sign.
     *
     * @param host    the {@code Host} header the client will send (with the port when it is not the scheme's default)
     * @param path    the path as it goes on the wire, already percent-encoded
     * @param query   the query string as it goes on the wire, or null
     * @param headers further headers to sign, in order (a name may repeat)
     */
    public record Request(String method, String host, String path, String query, List<Map.Entry<String, String>> headers,
                          byte[] payload) {
    }

    /** The headers that authenticate {@code request}: {@code X-Amz-Date}, {@code X-Amz-Security-Token} when set, {@code Authorization}. */
    public Map<String, String> sign(Request request) {
        String amzDate = AMZ_DATE.format(clock.instant());
        Map<String, String> added = new LinkedHashMap<>(4);
        added.put("X-Amz-Date", amzDate);
        if (sessionToken != null) {
            added.put("X-Amz-Security-Token", sessionToken);
        }
        CanonicalHeaders canonical = canonicalHeaders(request, amzDate);
        String stringToSign = stringToSign(canonicalRequest(request, canonical), amzDate);
        String signature = HEX.formatHex(hmac(signingKey(amzDate.substring(0, 8)), stringToSign));
        added.put("Authorization", ALGORITHM + " Credential=" + accessKey + "/" + scope(amzDate)
                + ", SignedHeaders=" + canonical.signedHeaders() + ", Signature=" + signature);
        return added;
    }

    String canonicalRequest(Request request, String amzDate) {
        return canonicalRequest(request, canonicalHeaders(request, amzDate));
    }

    private static String canonicalRequest(Request request, CanonicalHeaders headers) {
        return request.method().toUpperCase(Locale.ROOT) + '\n'
                + canonicalUri(request.path()) + '\n'
                + canonicalQuery(request.query()) + '\n'
                + headers.lines() + '\n'
                + headers.signedHeaders() + '\n'
                + HEX.formatHex(sha256(request.payload() == null ? new byte[0] : request.payload()));
    }

    String stringToSign(String canonicalRequest, String amzDate) {
        return ALGORITHM + '\n' + amzDate + '\n' + scope(amzDate) + '\n'
                + HEX.formatHex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    byte[] signingKey(String dateStamp) {
        byte[] date = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), dateStamp);
        return hmac(hmac(hmac(date, region), service), "aws4_request");
    }

    private String scope(String amzDate) {
        return amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
    }

    /** Lower-case names, sorted; values trimmed with inner runs of spaces folded; repeated names joined by commas. */
    private CanonicalHeaders canonicalHeaders(Request request, String amzDate) {
        Map<String, List<String>> byName = new TreeMap<>();
        add(byName, "host", request.host());
        add(byName, "x-amz-date", amzDate);
        if (sessionToken != null) {
            add(byName, "x-amz-security-token", sessionToken);
        }
        for (Map.Entry<String, String> header : request.headers()) {
            add(byName, header.getKey().toLowerCase(Locale.ROOT), header.getValue());
        }
        StringBuilder lines = new StringBuilder(256);
        StringBuilder signed = new StringBuilder(64);
        for (Map.Entry<String, List<String>> header : byName.entrySet()) {
            lines.append(header.getKey()).append(':').append(String.join(",", header.getValue())).append('\n');
            if (!signed.isEmpty()) {
                signed.append(';');
            }
            signed.append(header.getKey());
        }
        return new CanonicalHeaders(lines.toString(), signed.toString());
    }

    private record CanonicalHeaders(String lines, String signedHeaders) {
    }

    private static void add(Map<String, List<String>> byName, String name, String value) {
        byName.computeIfAbsent(name, n -> new ArrayList<>(1)).add(SPACE_RUNS.matcher(value.strip()).replaceAll(" "));
    }

    /** Each segment of the path as sent, encoded once more; an empty path is {@code /}. */
    static String canonicalUri(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        StringBuilder uri = new StringBuilder(path.length() + 16);
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            uri.append(uriEncode(path.substring(start, end)));
            if (slash < 0) {
                break;
            }
            uri.append('/');
            start = slash + 1;
        }
        return uri.toString();
    }

    /** Parameters decoded, then each name and value encoded, sorted by name and then value. */
    static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        List<String[]> parameters = new ArrayList<>();
        for (String parameter : query.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? "" : parameter.substring(equals + 1);
            parameters.add(new String[] {uriEncode(percentDecode(name)), uriEncode(percentDecode(value))});
        }
        parameters.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder canonical = new StringBuilder(query.length() + 16);
        for (String[] parameter : parameters) {
            if (!canonical.isEmpty()) {
                canonical.append('&');
            }
            canonical.append(parameter[0]).append('=').append(parameter[1]);
        }
        return canonical.toString();
    }

    /** RFC 3986 percent-encoding of the UTF-8 bytes: everything but {@code A-Z a-z 0-9 - _ . ~}, upper-case hex. */
    static String uriEncode(String value) {
        StringBuilder encoded = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return encoded.toString();
    }

    private static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && HexFormat.isHexDigit(value.charAt(i + 1))
                    && HexFormat.isHexDigit(value.charAt(i + 2))) {
                bytes.write(HexFormat.fromHexDigits(value, i + 1, i + 3));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
