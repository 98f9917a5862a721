package caravan.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import caravan.testing.Recorded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SigV4 against AWS's published test suite (src/test/resources/providers/bedrock/sigv4), byte for byte. */
class SigV4SignerTest {

    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String AMZ_DATE = "20150830T123600Z";
    private static final Clock SUITE_TIME = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);
    private static final String SUITE_TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmx"
            + "fpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSX"
            + "Dvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9K"
            + "SYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    private final SigV4Signer signer = new SigV4Signer(ACCESS_KEY, SECRET_KEY, null, "us-east-1", "service", SUITE_TIME);

    @ParameterizedTest
    @ValueSource(strings = {"get-vanilla", "get-vanilla-query", "get-vanilla-empty-query-key", "get-vanilla-query-order-key",
            "get-vanilla-query-order-key-case", "get-vanilla-query-order-value", "get-vanilla-query-unreserved",
            "get-vanilla-utf8-query", "get-unreserved", "get-utf8", "get-header-key-duplicate", "get-header-value-order",
            "get-header-value-trim", "post-vanilla", "post-vanilla-query", "post-vanilla-empty-query-value",
            "post-header-key-case", "post-header-key-sort", "post-header-value-case"})
    void matchesTheSuitesCanonicalRequestStringToSignAndAuthorization(String name) {
        SigV4Signer.Request request = parse(suite(name, "req"));

        String canonicalRequest = signer.canonicalRequest(request, AMZ_DATE);

        assertThat(canonicalRequest).isEqualTo(suite(name, "creq"));
        assertThat(signer.stringToSign(canonicalRequest, AMZ_DATE)).isEqualTo(suite(name, "sts"));
        assertThat(signer.sign(request)).containsEntry("X-Amz-Date", AMZ_DATE)
                .containsEntry("Authorization", suite(name, "authz")).doesNotContainKey("X-Amz-Security-Token");
    }

    /**
     * The published .creq of this case lists content-length, which its own .sts does not hash; the .sts,
     * the .authz and the AWS SDKs' copies of the case sign the request without it.
     */
    @Test
    void matchesTheFormUrlEncodedCaseSignedWithoutContentLength() {
        SigV4Signer.Request request = parse(suite("post-x-www-form-urlencoded", "req"));

        String canonicalRequest = signer.canonicalRequest(request, AMZ_DATE);

        String sts = suite("post-x-www-form-urlencoded", "sts");
        assertThat(sts.substring(sts.lastIndexOf('\n') + 1)).isEqualTo(
                HexFormat.of().formatHex(SigV4Signer.sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        assertThat(canonicalRequest).isEqualTo(suite("post-x-www-form-urlencoded", "creq")
                .replace("content-length:13\n", "").replace("content-length;", ""));
        assertThat(signer.stringToSign(canonicalRequest, AMZ_DATE)).isEqualTo(sts);
        assertThat(signer.sign(request)).containsEntry("Authorization", suite("post-x-www-form-urlencoded", "authz"));
    }

    @Test
    void signsTheSessionTokenOfTemporaryCredentialsAndSendsIt() {
        SigV4Signer withToken = new SigV4Signer(ACCESS_KEY, SECRET_KEY, SUITE_TOKEN, "us-east-1", "service", SUITE_TIME);
        SigV4Signer.Request request = parse(suite("post-sts-header-before", "req"));

        String canonicalRequest = withToken.canonicalRequest(request, AMZ_DATE);

        assertThat(canonicalRequest).isEqualTo(suite("post-sts-header-before", "creq"));
        assertThat(withToken.stringToSign(canonicalRequest, AMZ_DATE)).isEqualTo(suite("post-sts-header-before", "sts"));
        assertThat(withToken.sign(request)).containsExactly(
                Map.entry("X-Amz-Date", AMZ_DATE),
                Map.entry("X-Amz-Security-Token", SUITE_TOKEN),
                Map.entry("Authorization", suite("post-sts-header-before", "authz")));
    }

    @Test
    void aBlankSessionTokenIsNoToken() {
        SigV4Signer blankToken = new SigV4Signer(ACCESS_KEY, SECRET_KEY, " ", "us-east-1", "service", SUITE_TIME);

        assertThat(blankToken.sign(parse(suite("post-vanilla", "req"))))
                .containsEntry("Authorization", suite("post-vanilla", "authz")).doesNotContainKey("X-Amz-Security-Token");
    }

    @Test
    void aPathSegmentSentPercentEncodedIsEncodedOnceMoreInTheCanonicalUri() {
        assertThat(SigV4Signer.canonicalUri("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"))
                .isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse");
        assertThat(SigV4Signer.uriEncode("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0"))
                .isEqualTo("arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-pro-v1%3A0");
        assertThat(SigV4Signer.canonicalUri("")).isEqualTo("/");
    }

    @Test
    void theBedrockScopeNamesTheRegionAndTheBedrockService() {
        SigV4Signer bedrock = new SigV4Signer(ACCESS_KEY, SECRET_KEY, null, "eu-west-3", "bedrock", SUITE_TIME);
        SigV4Signer.Request request = new SigV4Signer.Request("POST", "bedrock-runtime.eu-west-3.amazonaws.com",
                "/model/amazon.nova-lite-v1%3A0/converse", null, List.of(Map.entry("Content-Type", "application/json")),
                "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(bedrock.sign(request).get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
                + "20150830/eu-west-3/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=");
        assertThat(bedrock.canonicalRequest(request, AMZ_DATE)).startsWith("POST\n/model/amazon.nova-lite-v1%253A0/converse\n\n"
                + "content-type:application/json\nhost:bedrock-runtime.eu-west-3.amazonaws.com\nx-amz-date:20150830T123600Z\n");
    }

    // ---- the suite's files

    private static String suite(String name, String extension) {
        return Recorded.text("bedrock", "sigv4/" + name + "/" + name + "." + extension);
    }

    /**
     * A suite request: the request line, headers up to a blank line, then the body. Host and X-Amz-Date
     * (and the session token) are the signer's to add; Content-Length is a transport header nobody signs.
     */
    private static SigV4Signer.Request parse(String req) {
        String[] lines = req.split("\n", -1);
        String[] requestLine = lines[0].split(" ");
        String target = requestLine[1];
        int question = target.indexOf('?');
        String host = null;
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        int i = 1;
        for (; i < lines.length && !lines[i].isEmpty(); i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon);
            String value = lines[i].substring(colon + 1);
            switch (name.toLowerCase(Locale.ROOT)) {
                case "host" -> host = value;
                case "x-amz-date" -> assertThat(value).isEqualTo(AMZ_DATE);
                case "x-amz-security-token" -> assertThat(value).isEqualTo(SUITE_TOKEN);
                case "content-length" -> { }
                default -> headers.add(Map.entry(name, value));
            }
        }
        String body = i + 1 < lines.length ? String.join("\n", Arrays.copyOfRange(lines, i + 1, lines.length)) : "";
        return new SigV4Signer.Request(requestLine[0], host, question < 0 ? target : target.substring(0, question),
                question < 0 ? null : target.substring(question + 1), headers, body.getBytes(StandardCharsets.UTF_8));
    }
}
