package dev.polarity.serving.predict;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Interceptors of the prediction endpoints. */
@Configuration(proxyBeanMethods = false)
class PredictWebConfig implements WebMvcConfigurer {
    private final SentimentModel model;

    PredictWebConfig(SentimentModel model) {
        this.model = model;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new EarlyRefusal(model)).addPathPatterns("/predict", "/explain").order(100);
    }
}
