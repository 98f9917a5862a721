package caravan.providers;

/**
 * What one codec reads beyond the {@link UpstreamSettings} every provider has: Anthropic's API version,
 * Bedrock's region and AWS credentials, whether an OpenAI-compatible server is asked for a stream's usage.
 * Plain Java, owned by its codec ({@link ProviderCodec#settings()}): a bean whose setters the
 * {@code provider:} endpoint binds the URI parameters it does not know onto when it is created, by name and
 * in any case, as Camel binds an endpoint's own options. A parameter that neither the endpoint nor its codec's
 * settings take fails the endpoint's creation, so a misspelt option stops the route from starting.
 *
 * <p>An implementation keeps to what its codec reads, with a setter per option named as the provider's
 * Kamelet passes it, and no other public method taking one argument: Camel's binding also takes a fluent
 * builder ({@code Settings region(String)}, even a static one) for an option, and would accept its name. It
 * gives a secret a name Camel masks in the URIs it logs ({@code accessKey}, {@code secretKey},
 * {@code sessionToken}, ...), and never shows a key or a secret in {@link #toString()}.
 */
public interface CodecSettings {

    /** {@code "***"} for a secret that is set, {@code ""} for one that is not: what a {@link #toString()} shows. */
    static String masked(String secret) {
        return UpstreamSettings.present(secret) ? "***" : "";
    }
}
