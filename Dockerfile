# Polarity sentiment service: the packaged jar and the shipped model on a JRE 25 base image.
#
#   mvn -B -q -DskipTests package                       # makes target/polarity.jar first
#   docker build -t polarity .                          # base: eclipse-temurin:25-jre
#   docker build --build-arg BASE_IMAGE=polarity/jre-base:trixie-25 -t polarity .   # a local base
#   docker run --rm -p 127.0.0.1:8080:8080 polarity
#
# Another model: mount its folder (config.json, tokenizer.json, model.safetensors) and point
# POLARITY_MODEL_PATH at it:
#   docker run --rm -p 127.0.0.1:8080:8080 -v "$PWD/models/my-model:/models/my-model:ro" \
#              -e POLARITY_MODEL_PATH=/models/my-model polarity
#
# The root file system may be read-only (docker run --read-only --tmpfs /tmp): Tomcat and the
# DJL tokenizer's native library only write under /tmp.
ARG BASE_IMAGE=eclipse-temurin:25-jre

# Build stage: split the jar into Spring Boot's layers, least often changed first. The
# dependencies (53 MB) then sit in a layer of their own that a code change leaves untouched, so a
# new version pushes and pulls about 1 MB of classes instead of the whole 56 MB jar again.
FROM ${BASE_IMAGE} AS layers
WORKDIR /build
COPY target/polarity.jar polarity.jar
RUN java -Djarmode=tools -jar polarity.jar extract --layers --launcher --destination extracted

FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="polarity" \
      org.opencontainers.image.description="English sentiment service on its own Java tensor engine"

# A fixed numeric user, so that Kubernetes' runAsNonRoot can check it. The application files stay
# owned by root: the service reads them and never writes there.
RUN groupadd --system --gid 10001 polarity \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin polarity

WORKDIR /app
# The model changes less often than the code: its layer comes first and stays cached.
COPY models/polarity-sst2-minilm/ /app/models/polarity-sst2-minilm/
COPY --from=layers /build/extracted/dependencies/ /app/
COPY --from=layers /build/extracted/spring-boot-loader/ /app/
COPY --from=layers /build/extracted/snapshot-dependencies/ /app/
COPY --from=layers /build/extracted/application/ /app/

# JDK_JAVA_OPTIONS is read by the java launcher: override it to tune memory without losing the
# fixed flags of the ENTRYPOINT. The heap follows the container's memory limit.
ENV POLARITY_MODEL_PATH=/app/models/polarity-sst2-minilm \
    DJL_CACHE_DIR=/tmp/djl \
    ENGINE_CACHE_DIR=/tmp/djl \
    JDK_JAVA_OPTIONS="-XX:InitialRAMPercentage=25.0 -XX:MaxRAMPercentage=75.0"

USER 10001:10001
EXPOSE 8080

# Readiness, not liveness: "healthy" means the model is loaded and warmed up. Plain bash, since the
# base image may have neither curl nor wget.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8080} && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r -t 2 status <&3 && [[ $status == 'HTTP/1.'?' 200'* ]]"]

# The JVM is PID 1 and gets SIGTERM itself: Spring finishes in-flight requests, then the inference
# thread drains its queue (server.shutdown=graceful, up to 30 s: give `docker stop -t` more).
# It runs under the SCHED_BATCH policy where the kernel allows it (no privilege needed): a request
# thread that wakes up then waits for a time slice instead of preempting a forward pass, whose
# other kernel thread would wait for it (docs/performance.md, "Fourth wave": goodput under a 10x
# overload 1.00 of capacity against 0.83, medians of three runs). Where it is refused, the JVM starts as usual.
# The extracted layers run through Spring Boot's launcher, as the jar would (same classpath, same main class).
ENTRYPOINT ["bash", "-c", "if chrt --batch 0 true 2>/dev/null; then exec chrt --batch 0 \"$@\"; fi; exec \"$@\"", "polarity", \
            "java", "--add-modules=jdk.incubator.vector", "-XX:+ExitOnOutOfMemoryError", \
            "-Djava.io.tmpdir=/tmp", "-cp", "/app", "org.springframework.boot.loader.launch.JarLauncher"]
