package caravan.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import caravan.providers.bedrock.BedrockSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.camel.util.SensitiveUtils;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A codec's options are not the {@code provider:} endpoint's, so the catalog metadata Camel generates from the
 * endpoint ({@code provider.json}) cannot list them: they are described where a provider is configured, in its
 * Kamelet's definition (title, description, type, default, {@code format: password}), and this checks that
 * nothing falls between the two. Each parameter a Kamelet's template passes to {@code provider:} is either the
 * endpoint's (in {@code provider.json}) or a setting of the codec it names; each setting of a codec is passed
 * by the Kamelets using it, from a property they define; no setting shadows an endpoint option (the endpoint
 * would take it first). A codec secret gets none of the endpoint metadata's handling ({@code secret: true}:
 * YAML's {@code parameters:} wrapping it in {@code RAW()}), so a Kamelet passes it in {@code RAW()} itself,
 * and its name is one Camel masks in the URIs it logs. Finally, no codec's settings show a secret in
 * {@code toString()}.
 */
class CodecOptionsDescribedTest {

    private static final Path KAMELETS = Path.of("kamelets");
    private static final Path CODECS = Path.of("src/main/resources/META-INF/services/caravan/codec");
    private static final String CATALOG = "META-INF/caravan/providers/provider.json";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\??([A-Za-z0-9._-]+)(?::[^}]*)?}}");

    static List<Path> providerKamelets() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(KAMELETS)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                if (providerCall(YAML.readTree(file.toFile())) != null) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    static List<String> codecNames() throws IOException {
        try (Stream<Path> files = Files.list(CODECS)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void everyProviderKameletIsChecked() throws IOException {
        assertThat(providerKamelets()).hasSizeGreaterThanOrEqualTo(7);
        assertThat(codecNames()).contains("openai", "anthropic", "gemini", "bedrock", "azure", "cohere");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providerKamelets")
    void eachParameterIsTheEndpointsOrItsCodecs(Path file) throws Exception {
        JsonNode kamelet = YAML.readTree(file.toFile());
        JsonNode parameters = providerCall(kamelet).path("parameters");
        String codec = parameters.path("codec").asText("openai");
        Set<String> endpointOptions = endpointOptions();
        Map<String, String> settings = settingNames(codec);

        for (Iterator<String> names = parameters.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            assertThat(endpointOptions.contains(name) || settings.containsKey(name.toLowerCase(Locale.ROOT)))
                    .as(file + " passes '" + name + "', which neither the provider: endpoint nor the " + codec
                            + " codec's settings (" + settings.values() + ") take")
                    .isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providerKamelets")
    void eachCodecSettingIsPassedFromADescribedKameletProperty(Path file) throws Exception {
        JsonNode kamelet = YAML.readTree(file.toFile());
        JsonNode parameters = providerCall(kamelet).path("parameters");
        JsonNode properties = kamelet.at("/spec/definition/properties");
        String codec = parameters.path("codec").asText("openai");

        for (String setting : settingNames(codec).values()) {
            assertThat(parameters.has(setting)).as(file + " passes the " + codec + " codec's '" + setting + "'").isTrue();
            String value = parameters.get(setting).asText();
            Matcher placeholder = PLACEHOLDER.matcher(value);
            assertThat(placeholder.find()).as(file + ": '" + setting + "' comes from a Kamelet property").isTrue();
            JsonNode property = properties.path(placeholder.group(1));
            assertThat(property.path("title").asText()).as(file + ": the title of " + placeholder.group(1)).isNotBlank();
            assertThat(property.path("description").asText()).as(file + ": the description of " + placeholder.group(1))
                    .isNotBlank();
            if ("password".equals(property.path("format").asText())) {
                assertThat(value).as(file + ": the secret '" + setting + "' is passed as it is").startsWith("RAW(");
                assertThat(URISupport.sanitizeUri("provider:p?codec=" + codec + "&" + setting + "=RAW(canary-7f3a)"))
                        .as("Camel masks '" + setting + "' in the URIs it logs").doesNotContain("canary-7f3a");
                assertThat(SensitiveUtils.containsSensitive(setting)).as(setting + " is a name Camel knows as secret")
                        .isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecNames")
    void noCodecSettingShadowsAnEndpointOption(String codec) throws Exception {
        Set<String> endpointOptions = new TreeSet<>();
        for (String option : endpointOptions()) {
            endpointOptions.add(option.toLowerCase(Locale.ROOT));
        }

        assertThat(settingNames(codec).keySet()).as("the " + codec + " codec's settings").doesNotContainAnyElementsOf(endpointOptions);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecNames")
    void noCodecSettingsShowASecret(String codec) throws Exception {
        CodecSettings settings = codec(codec).settings();
        if (settings == null) {
            return;
        }
        List<String> secrets = new ArrayList<>();
        for (Method setter : setters(settings)) {
            String name = optionName(setter);
            if (setter.getParameterTypes()[0] == String.class) {
                String canary = "canary-" + name + "-51bd02";
                setter.invoke(settings, canary);
                if (SensitiveUtils.containsSensitive(name)) {
                    secrets.add(canary);
                }
            }
        }

        for (String secret : secrets) {
            assertThat(settings.toString()).doesNotContain(secret);
        }
        if (codec.equals("bedrock")) {
            assertThat(secrets).as("Bedrock's access key, secret key and session token").hasSize(3);
        }
    }

    @Test
    void bedrockShowsItsRegionAndOnlyWhetherItsSecretsAreSet() {
        BedrockSettings settings = new BedrockSettings();
        settings.setRegion("eu-west-3");
        settings.setAccessKey("AKIDCANARY");
        settings.setSecretKey("wJalr+canary");

        assertThat(settings.toString()).isEqualTo("BedrockSettings[region=eu-west-3, accessKey=***, secretKey=***, "
                + "sessionToken=]");
        assertThat(new UpstreamSettings("openai", "https://api.openai.com/v1", "sk-canary").toString())
                .isEqualTo("UpstreamSettings[provider=openai, baseUrl=https://api.openai.com/v1, apiKey=***]");
    }

    /** The first {@code to} of the template whose URI is {@code provider:...}, or null. */
    private static JsonNode providerCall(JsonNode kamelet) {
        for (JsonNode step : kamelet.at("/spec/template/from/steps")) {
            JsonNode to = step.path("to");
            if (to.path("uri").asText().startsWith("provider:")) {
                return to;
            }
        }
        return null;
    }

    /** The endpoint's options as camel-package-maven-plugin described them. */
    private static Set<String> endpointOptions() throws IOException {
        try (InputStream in = CodecOptionsDescribedTest.class.getClassLoader().getResourceAsStream(CATALOG)) {
            assertThat(in).as(CATALOG).isNotNull();
            Set<String> names = new TreeSet<>();
            JSON.readTree(in).path("properties").fieldNames().forEachRemaining(names::add);
            return names;
        }
    }

    /** The options a codec's settings take, lower case to the name as written; none for echo or a codec without. */
    private static Map<String, String> settingNames(String codec) throws Exception {
        Map<String, String> names = new TreeMap<>();
        if (!Files.exists(CODECS.resolve(codec))) {
            return names;
        }
        CodecSettings settings = codec(codec).settings();
        if (settings != null) {
            for (Method setter : setters(settings)) {
                names.put(optionName(setter).toLowerCase(Locale.ROOT), optionName(setter));
            }
        }
        return names;
    }

    /** A codec as the endpoint makes it: the class its registration names, by its no-argument constructor. */
    private static ProviderCodec codec(String name) throws Exception {
        Properties registration = new Properties();
        try (InputStream in = Files.newInputStream(CODECS.resolve(name))) {
            registration.load(in);
        }
        return (ProviderCodec) Class.forName(registration.getProperty("class")).getConstructor().newInstance();
    }

    private static List<Method> setters(Object bean) {
        List<Method> setters = new ArrayList<>();
        for (Method method : bean.getClass().getMethods()) {
            if (method.getName().startsWith("set") && method.getName().length() > 3 && method.getParameterCount() == 1
                    && method.getReturnType() == void.class && !Modifier.isStatic(method.getModifiers())) {
                setters.add(method);
            }
        }
        return setters;
    }

    private static String optionName(Method setter) {
        String name = setter.getName().substring(3);
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
