package caravan.testing;

import java.util.function.UnaryOperator;

import caravan.testing.FakeUpstream.Answer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture most gateway tests share: a fake OpenAI upstream answering the recorded completion, and a
 * gateway in front of it, started once per test class and stopped after it; before each test the
 * upstream forgets what it received and answers the recorded completion again.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final FakeOpenAiGateway served = new FakeOpenAiGateway(gateway -> gateway.property("gateway.master-key", KEY));
 * }</pre>
 */
public final class FakeOpenAiGateway implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    public static final String COMPLETION = Recorded.text("openai", "completion.json");

    private final UnaryOperator<GatewayUnderTest.Builder> configure;
    private FakeUpstream upstream;
    private GatewayUnderTest gateway;

    /** @param configure settings of the gateway beyond the upstream (properties, a working directory) */
    public FakeOpenAiGateway(UnaryOperator<GatewayUnderTest.Builder> configure) {
        this.configure = configure;
    }

    public FakeOpenAiGateway() {
        this(UnaryOperator.identity());
    }

    public FakeUpstream upstream() {
        return upstream;
    }

    public GatewayUnderTest gateway() {
        return gateway;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        upstream = FakeUpstream.start(Answer.json(200, COMPLETION));
        gateway = configure.apply(GatewayUnderTest.builder().openAi(upstream)).start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        upstream.reset(Answer.json(200, COMPLETION));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }
}
