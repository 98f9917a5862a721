package caravan.processors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /ui}: the dashboard page, one static file read once. It holds no data: the page asks
 * {@code /v1/caravan/stats} for it, with the caller's key.
 */
public final class ServeDashboardPage implements Processor {

    private final byte[] page;

    public ServeDashboardPage() {
        try (InputStream in = ServeDashboardPage.class.getResourceAsStream("/ui/index.html")) {
            if (in == null) {
                throw new IllegalStateException("ui/index.html is missing from the classpath");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().setBody(page);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
    }
}
