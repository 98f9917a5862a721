package caravan.telemetry;

import org.apache.camel.CamelContext;

/**
 * How spans treat content: prompts and answers are left out unless {@code captureContent} is on, and then
 * go through the {@link ContentRedactor} first. Bound as {@code tracingOptions}.
 */
public record TracingOptions(boolean captureContent, ContentRedactor redactor) {

    public static final String BEAN = "tracingOptions";
    private static final TracingOptions OFF = new TracingOptions(false, new ContentRedactor());

    static TracingOptions of(CamelContext context) {
        TracingOptions options = context.getRegistry().lookupByNameAndType(BEAN, TracingOptions.class);
        return options == null ? OFF : options;
    }
}
