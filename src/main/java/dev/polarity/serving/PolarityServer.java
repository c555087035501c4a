package dev.polarity.serving;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sentiment service. Component scanning starts here, so only {@code dev.polarity.serving}
 * is Spring-managed: the engine and the model classes stay plain Java.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@OpenAPIDefinition(info = @Info(title = "Polarity sentiment service", version = "v1",
        description = "English sentiment (negative/positive) from a fine-tuned MiniLM running on Polarity's own engine"))
public class PolarityServer {

    public static ConfigurableApplicationContext start(String... args) {
        return SpringApplication.run(PolarityServer.class, args);
    }
}
