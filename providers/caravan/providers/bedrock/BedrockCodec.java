package caravan.providers.bedrock;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.providers.ProviderCodec;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.providers.codec.RequestHeaders;

/**
 * Amazon Bedrock's Converse API: {@code POST /model/{modelId}/converse} for a whole answer and
 * {@code /converse-stream} for a stream, answered in the binary {@code application/vnd.amazon.eventstream}
 * framing. Requests are signed with AWS Signature Version 4 for the service {@code bedrock} in the
 * configured region. The model id is a path segment, percent-encoded as the AWS SDKs send it (a model
 * id's {@code :} goes as {@code %3A}).
 * <p>
 * A tenant's own Bedrock account ({@link UpstreamSettings#tenantAccount()}) is one API key and a base URL,
 * so its key is taken as a Bedrock API key, which Bedrock reads as a bearer token in place of a signature;
 * its calls are never signed with the gateway's AWS credentials. A tenant cannot bring AWS access keys or a
 * role of its own (an account holds no secret key nor session token to sign with). The gateway's own
 * configuration signs, as before: its endpoint's {@code apiKey} is not what it authenticates with.
 */
public final class BedrockCodec implements ProviderCodec {

    static final String SIGNING_SERVICE = "bedrock";
    /** ConverseStream answers in AWS's binary framing, not in SSE. */
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    private final BedrockSettings settings;
    private final Clock clock;

    public BedrockCodec() {
        this(new BedrockSettings());
    }

    public BedrockCodec(BedrockSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** @param clock the time requests are signed at and answers are dated with */
    BedrockCodec(BedrockSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The region and the AWS credentials ({@code region}, {@code accessKey}, {@code secretKey}, {@code sessionToken}). */
    @Override
    public BedrockSettings settings() {
        return settings;
    }

    @Override
    public String genAiProviderName() {
        return "aws.bedrock";
    }

    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings upstream) {
        byte[] body = BedrockRequestEncoder.encode(request);
        String operation = "/model/" + SigV4Signer.uriEncode(upstreamModel)
                + (request.stream() ? "/converse-stream" : "/converse");
        RequestHeaders headers = RequestHeaders.json(request.stream() ? EVENT_STREAM : RequestHeaders.JSON);
        if (upstream.tenantAccount()) {
            headers.bearer(upstream);
        } else if (settings.hasCredentials()) {
            URI base = URI.create(upstream.baseUrl());
            SigV4Signer signer = new SigV4Signer(settings.getAccessKey(), settings.getSecretKey(),
                    settings.getSessionToken(), settings.getRegion(), SIGNING_SERVICE, clock);
            headers.putAll(signer.sign(new SigV4Signer.Request("POST", authority(base),
                    (base.getRawPath() == null ? "" : base.getRawPath()) + operation, null,
                    List.of(Map.entry("Content-Type", "application/json")), body)));
        }
        return new UpstreamRequest(upstream.baseUrl() + operation, headers.toMap(), body);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body, String upstreamModel) {
        return BedrockResponseDecoder.decode(body, upstreamModel, clock);
    }

    @Override
    public StreamDecoder newStreamDecoder(String upstreamModel) {
        return new BedrockStreamDecoder(upstreamModel, clock);
    }

    @Override
    public GatewayException decodeError(int status, byte[] body, String retryAfter) {
        return BedrockErrors.fromAnswer(status, body, retryAfter);
    }

    /** The regional Bedrock Runtime endpoint. */
    @Override
    public String defaultBaseUrl(UpstreamSettings upstream) {
        return "https://bedrock-runtime." + settings.getRegion() + ".amazonaws.com";
    }

    /**
     * The gateway signs with an access key and its secret (and, for temporary credentials, a session token), all
     * of its own settings: its API key is not what it authenticates with. A tenant's account authenticates
     * with its Bedrock API key.
     */
    @Override
    public boolean hasCredentials(UpstreamSettings upstream) {
        return upstream.tenantAccount() ? upstream.hasApiKey() : settings.hasCredentials();
    }

    /** The {@code Host} header an HTTP client sends for this URL: the port only when it is not the scheme's default. */
    static String authority(URI url) {
        int port = url.getPort();
        int defaultPort = "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return port < 0 || port == defaultPort ? url.getHost() : url.getHost() + ":" + port;
    }
}
