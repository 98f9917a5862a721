package caravan.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;

import caravan.Caravan;
import caravan.routing.RoutingTestSupport;
import caravan.testing.GatewayUnderTest;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider option that neither the {@code provider:} endpoint nor its codec's settings know stops the
 * gateway from starting, with Camel's usual error naming the option: whether a route passes it to
 * {@code provider:} itself or a Kamelet's template does.
 */
class MisspeltProviderOptionTest {

    @TempDir
    Path workDir;

    @Test
    void aRoutePassingAMisspeltOptionFailsToStartNamingIt() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        Files.writeString(workDir.resolve("routes/providers/bedrock-typo.yaml"), """
                - route:
                    id: provider-bedrock-typo
                    from:
                      uri: direct:provider-bedrock-typo
                      steps:
                        - to:
                            uri: provider:bedrock-typo
                            parameters:
                              codec: bedrock
                              regionn: eu-west-1
                """);

        assertFailsNaming(start(), "regionn");
    }

    @Test
    void aKameletPassingAMisspeltOptionFailsTheRouteThatUsesIt() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        Files.writeString(workDir.resolve("kamelets/typo-bedrock-action.kamelet.yaml"), """
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: typo-bedrock-action
                  labels:
                    camel.apache.org/kamelet.type: "action"
                spec:
                  definition:
                    title: "Misspelt Bedrock Action"
                    description: A Bedrock provider whose template misspells the region.
                    type: object
                    properties:
                      region:
                        title: AWS Region
                        description: The region.
                        type: string
                        default: eu-west-1
                  template:
                    from:
                      uri: kamelet:source
                      steps:
                        - to:
                            uri: "provider:bedrock-typo"
                            parameters:
                              codec: bedrock
                              regionn: "{{region}}"
                """);
        Files.writeString(workDir.resolve("routes/providers/bedrock-typo.yaml"), """
                - route:
                    id: provider-bedrock-typo
                    from:
                      uri: direct:provider-bedrock-typo
                      steps:
                        - to:
                            uri: kamelet:typo-bedrock-action
                """);

        assertFailsNaming(start(), "regionn");
    }

    @Test
    void anOptionOfAnotherCodecFailsToo() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        Files.writeString(workDir.resolve("routes/providers/anthropic-region.yaml"), """
                - route:
                    id: provider-anthropic-region
                    from:
                      uri: direct:provider-anthropic-region
                      steps:
                        - to:
                            uri: provider:anthropic-region
                            parameters:
                              codec: anthropic
                              region: eu-west-1
                """);

        assertFailsNaming(start(), "region");
    }

    /** Starts the gateway on {@link #workDir}, returning why it did not start (and stopping what did). */
    private Throwable start() {
        Main main = Caravan.create(workDir);
        main.addOverrideProperty("gateway.port", String.valueOf(GatewayUnderTest.freePort()));
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        try {
            return catchThrowable(main::start);
        } finally {
            main.stop();
        }
    }

    private static void assertFailsNaming(Throwable failure, String option) {
        assertThat(failure).as("the gateway started").isNotNull();
        Throwable cause = failure;
        while (cause != null && !(cause instanceof ResolveEndpointFailedException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("Camel's endpoint failure among the causes of " + failure).isNotNull();
        assertThat(cause.getMessage()).contains("There are 1 parameters that couldn't be set on the endpoint")
                .contains("Unknown parameters=[{" + option + "=");
    }
}
