# The book in one image: the chapters, JupyterLab and the lab's three engines,
# for any machine with Docker (Docker Desktop, a Linux host, a Codespace).
#
#   docker build -t swarmnotes .
#   docker run --rm --privileged -p 127.0.0.1:8888:8888 swarmnotes     # JupyterLab; open the URL it prints
#   docker run --rm --privileged swarmnotes make test                  # every test, inside
#
# --privileged because the lab creates network namespaces and runs dockerd.
# The base is Debian 12, as on the machine the book is written on; BASE lets a
# build use a local copy of it (`make container-test` imports one it debootstraps).
ARG BASE=debian:12
FROM ${BASE}

ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8

# A network that re-signs TLS (a company proxy; this project's CI machine)
# needs its certificate authority trusted by pip and npm during the set-up:
# pass it as PEM text, --build-arg EXTRA_CA_CERTS="$(cat proxy-ca.pem)".
# Debian's bundle then serves pip, npm and Python alike.
ARG EXTRA_CA_CERTS=""
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null \
    && if [ -n "$EXTRA_CA_CERTS" ]; then \
         printf '%s\n' "$EXTRA_CA_CERTS" > /usr/local/share/ca-certificates/extra-ca.crt \
         && update-ca-certificates >/dev/null; \
       fi
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt

WORKDIR /src
COPY . /src
# The same set-up as on a Debian host and in CI: Debian packages, .venv
# (with this package installed editable and its kernel), mermaid. Then drop
# the download caches, which the image never needs again.
RUN bash tools/setup.sh \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /root/.cache /root/.npm

# The engines' data roots live under .lab. dockerd cannot run its overlay
# storage on the image's own overlay root, so .lab is a volume.
VOLUME /src/.lab

# Inside the container JupyterLab listens on every address, so that
# `docker run -p 127.0.0.1:8888:8888` reaches it; the port is published on the
# host's loopback only.
ENV JUPYTER_IP=0.0.0.0 JUPYTER_PORT=8888
EXPOSE 8888
ENTRYPOINT ["bash", "tools/container-init.sh"]
CMD [".venv/bin/python", "tools/jupyter.py"]
