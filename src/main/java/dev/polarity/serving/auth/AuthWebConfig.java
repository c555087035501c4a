package dev.polarity.serving.auth;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Guards the model's endpoints with the API key when one is set. Health, info and metrics stay
 * open: probes and scrapers carry no key. Ordered first, so a caller without the key learns
 * nothing else (not even that the queue is full).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiKeySettings.class)
class AuthWebConfig implements WebMvcConfigurer {
    static final String[] GUARDED = {"/predict", "/explain"};
    private final String key;

    AuthWebConfig(ApiKeySettings settings) {
        this.key = settings.key();
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        if (key != null) {
            registry.addInterceptor(new BearerKeyCheck(key)).addPathPatterns(GUARDED).order(0);
        }
    }
}
