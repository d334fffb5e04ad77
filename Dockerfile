# lossviz: the Streamlit app on a CPU-only torch.
#   docker build -t lossviz .
#   docker run --rm -p 8501:8501 lossviz
# Two stages: the build stage installs the pinned requirements into /opt/venv and removes what never runs (pip,
# C++ headers and test binaries, the packages' own test suites); the run stage gets that venv and the app's code only.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# The same pinned requirements as `make run`; torch comes from the PyTorch CPU wheel index (no CUDA).
COPY requirements.txt /tmp/requirements.txt
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install -r /tmp/requirements.txt
# Bytecode stays (the non-root user cannot write it, so every cold start would compile again); the rest goes.
RUN SP=/opt/venv/lib/python3.11/site-packages \
    && rm -rf "$SP"/torch/include "$SP"/torch/test "$SP"/torch/share/cmake "$SP"/pyarrow/include \
        "$SP"/torch/lib/libtorchbind_test.so "$SP"/torch/lib/libaoti_custom_ops.so \
    && find "$SP" -depth -type d -name tests -path "*/site-packages/*/tests" -exec rm -rf {} + \
    && find "$SP" \( -name "*.pyx" -o -name "*.pxd" -o -name "*.pxi" \) -delete \
    && pip uninstall -y -q pip

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH

RUN useradd --create-home --uid 1000 lossviz
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Only what `streamlit run app.py` reads (tests, bench, docs and deploy stay out; see also .dockerignore).
COPY .streamlit ./.streamlit
COPY app.py ./
COPY lossviz ./lossviz
RUN python -m compileall -q app.py lossviz
USER 1000

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"]

CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
