package caravan;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.CamelContext;
import org.apache.camel.ManagementMBeansLevel;
import org.apache.camel.ManagementStatisticsLevel;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.spi.ManagementStrategy;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A management agent with no JMX behind it, whose one purpose is to make Camel's Kamelet producer run a
 * Kamelet's route on the caller's exchange.
 *
 * <p>Without an agent (the gateway carries no {@code camel-management}), {@code KameletProducer} treats
 * Kamelet routes as internal and processes a correlated copy of every exchange it is handed, copying the
 * result back afterwards: a second exchange, variables map, message and unit of work for each provider call,
 * about a tenth of what a call allocates. Kamelet routes "registered as routes"
 * ({@code getRegisterRoutesCreateByKamelet}) are called on the exchange itself. Camel asks only the agent
 * for that answer, and the JMX agent that would give it costs the {@code slow} tail more than the copy does
 * (README, Benchmarks), so this agent answers it and registers nothing.
 *
 * <p>The setters Camel Main applies ({@code camel.main.jmx-management-*}) are kept, so the properties still
 * read true; an MBean server handed to it is kept, but nothing is registered in it. In a runtime that brings
 * its own agent (Camel JBang, Camel K with JMX), that agent stays and the routes behave the same, with the
 * copy or without it.
 */
final class KameletsOnCallersExchange extends ServiceSupport implements ManagementAgent {

    private volatile Boolean registerRoutesCreateByKamelet = Boolean.TRUE;
    private volatile Boolean registerRoutesCreateByTemplate = Boolean.TRUE;
    private volatile Boolean registerNewRoutes = Boolean.TRUE;
    private volatile Boolean loadStatisticsEnabled = Boolean.FALSE;
    private volatile Boolean endpointRuntimeStatisticsEnabled = Boolean.FALSE;
    private volatile ManagementStatisticsLevel statisticsLevel = ManagementStatisticsLevel.Off;
    private volatile ManagementMBeansLevel mbeansLevel = ManagementMBeansLevel.ContextOnly;
    private volatile String managementNamePattern = "#name#";
    private volatile Boolean updateRouteEnabled = Boolean.FALSE;
    private volatile MBeanServer mbeanServer;

    /** Installs the agent where the context has none; returns whether it did. */
    static boolean install(CamelContext context) {
        ManagementStrategy strategy = context.getManagementStrategy();
        if (strategy == null || strategy.getManagementAgent() != null) {
            return false;
        }
        strategy.setManagementAgent(new KameletsOnCallersExchange());
        return true;
    }

    @Override
    public Boolean getRegisterRoutesCreateByKamelet() {
        return registerRoutesCreateByKamelet;
    }

    @Override
    public void setRegisterRoutesCreateByKamelet(Boolean value) {
        registerRoutesCreateByKamelet = value;
    }

    @Override
    public Boolean getRegisterRoutesCreateByTemplate() {
        return registerRoutesCreateByTemplate;
    }

    @Override
    public void setRegisterRoutesCreateByTemplate(Boolean value) {
        registerRoutesCreateByTemplate = value;
    }

    @Override
    public Boolean getRegisterNewRoutes() {
        return registerNewRoutes;
    }

    @Override
    public void setRegisterNewRoutes(Boolean value) {
        registerNewRoutes = value;
    }

    @Override
    public Boolean getLoadStatisticsEnabled() {
        return loadStatisticsEnabled;
    }

    @Override
    public void setLoadStatisticsEnabled(Boolean value) {
        loadStatisticsEnabled = value;
    }

    @Override
    public Boolean getEndpointRuntimeStatisticsEnabled() {
        return endpointRuntimeStatisticsEnabled;
    }

    @Override
    public void setEndpointRuntimeStatisticsEnabled(Boolean value) {
        endpointRuntimeStatisticsEnabled = value;
    }

    @Override
    public ManagementStatisticsLevel getStatisticsLevel() {
        return statisticsLevel;
    }

    @Override
    public void setStatisticsLevel(ManagementStatisticsLevel level) {
        // statistics would need the JMX agent's instrumentation: without it they are Off whatever is asked
        // (Camel's processors read Extended here to start counting for MBeans nobody could read)
        statisticsLevel = ManagementStatisticsLevel.Off;
    }

    @Override
    public ManagementMBeansLevel getMBeansLevel() {
        return mbeansLevel;
    }

    @Override
    public void setMBeansLevel(ManagementMBeansLevel level) {
        mbeansLevel = level;
    }

    @Override
    public String getManagementNamePattern() {
        return managementNamePattern;
    }

    @Override
    public void setManagementNamePattern(String pattern) {
        if (pattern != null) {
            managementNamePattern = pattern;
        }
    }

    @Override
    public Boolean getUpdateRouteEnabled() {
        return updateRouteEnabled;
    }

    @Override
    public void setUpdateRouteEnabled(Boolean value) {
        updateRouteEnabled = value;
    }

    // nothing is registered, and nothing is found registered

    @Override
    public void register(Object obj, ObjectName name) {
    }

    @Override
    public void register(Object obj, ObjectName name, boolean forceRegistration) {
    }

    @Override
    public void unregister(ObjectName name) {
    }

    @Override
    public boolean isRegistered(ObjectName name) {
        return false;
    }

    @Override
    public <T> T newProxyClient(ObjectName name, Class<T> mbean) {
        // Camel's own agent answers null for a name it has not registered; this one registers none
        return null;
    }

    @Override
    public MBeanServer getMBeanServer() {
        return mbeanServer;
    }

    @Override
    public void setMBeanServer(MBeanServer server) {
        // kept for whoever asks for it (Camel's route-structure dump queries it); Camel's MBeans are never in it
        mbeanServer = server;
    }

    @Override
    public String getMBeanObjectDomainName() {
        return "org.apache.camel";
    }

    @Override
    public void setMBeanObjectDomainName(String domainName) {
    }

    @Override
    public String getMBeanServerDefaultDomain() {
        return "org.apache.camel";
    }

    @Override
    public void setMBeanServerDefaultDomain(String domain) {
    }

    @Override
    public Boolean getUsePlatformMBeanServer() {
        return Boolean.FALSE;
    }

    @Override
    public void setUsePlatformMBeanServer(Boolean value) {
    }

    @Override
    public Boolean getOnlyRegisterProcessorWithCustomId() {
        return Boolean.FALSE;
    }

    @Override
    public void setOnlyRegisterProcessorWithCustomId(Boolean value) {
    }

    @Override
    public Boolean getRegisterAlways() {
        return Boolean.FALSE;
    }

    @Override
    public void setRegisterAlways(Boolean value) {
    }

    @Override
    public Boolean getMask() {
        return Boolean.TRUE;
    }

    @Override
    public void setMask(Boolean value) {
    }

    @Override
    public Boolean getIncludeHostName() {
        return Boolean.FALSE;
    }

    @Override
    public void setIncludeHostName(Boolean value) {
    }

    @Override
    public Boolean getUseHostIPAddress() {
        return Boolean.FALSE;
    }

    @Override
    public void setUseHostIPAddress(Boolean value) {
    }
}
