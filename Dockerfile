# lossviz: the Streamlit app on a CPU-only torch.
#   docker build -t lossviz .
#   docker run --rm -p 8501:8501 lossviz
# Two stages: the build stage installs the pinned requirements into /opt/venv and removes what never runs (pip,
# C++ headers and test binaries, the packages' own test suites, packages and libraries no run imports or maps, the
# shared libraries' symbol tables); the run stage gets that venv and the app's code only.
# What "never runs" means was measured, not guessed: `python -m bench.image_check` runs every page (one control
# moved), the uploads, the command line and a live server in the image built without these removals, records every
# module imported and every library mapped, and the same checks pass on the image built with them (README, Docker).

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# binutils for `strip`, in this stage only (the run stage copies the venv, never this stage's packages).
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends binutils && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# The same pinned requirements as `make run`; torch comes from the PyTorch CPU wheel index (no CUDA).
COPY requirements.txt /tmp/requirements.txt
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && pip install -r /tmp/requirements.txt
# Bytecode stays (the non-root user cannot write it, so every cold start would compile again); the rest goes:
# - torch's C++ headers, CMake files, C++ test suite and test binaries (torch/bin: all but torch_shm_manager, which
#   torch.multiprocessing starts; protoc is a build tool), the test-only libraries in torch/lib; pyarrow's headers;
#   every package's own tests; Cython sources.
# - pyarrow's Flight RPC and S3 filesystem (libarrow_flight, libarrow_s3 and their Python modules): nothing links
#   them but their own modules, which only `import pyarrow.flight` and an S3 path load (pyarrow.fs skips S3 when it
#   is missing); Streamlit and pandas use pyarrow's core (lib, compute) only. pyarrow's extra copies of
#   libarrow_python (.so and .so.2600.1.0 beside the .so.2600 that every module links by its soname) are for
#   building C++ extensions against pyarrow, as the headers removed above are.
# - plotly's Jupyter assets: labextension/ (JupyterLab) and package_data/widgetbundle.js (FigureWidget, which needs
#   anywidget, not installed). plotly.min.js stays: the app serves it to the browser for its charts.
# - Packages that no run imports, uninstalled with pip (their metadata goes too): altair and pydeck (Streamlit
#   imports them inside st.altair_chart / the built-in charts and st.pydeck_chart / st.map only, none of which the
#   app calls; jsonschema, jsonschema-specifications, referencing and rpds-py are altair's alone); networkx (torch
#   imports it for torch.compile's partitioner only); Pygments (pytest's, pinned with the runtime set); setuptools
#   (torch.utils.cpp_extension's; its distutils-precedence.pth goes with it). sympy and mpmath stay: torch imports
#   them on every torch.autograd.grad with grad_outputs (torch.fx.experimental.symbolic_shapes), as the IoU page does.
# - Symbol tables of the shared libraries (`strip --strip-unneeded`; the dynamic symbols stay): about 0.1 GB, almost
#   all libtorch_cpu's. Only C++ backtraces in torch's error messages get fewer names. Not the libraries that
#   auditwheel vendored into *.libs/ (patchelf-edited: stripped, numpy's OpenBLAS no longer loads, "ELF load command
#   address/offset not page-aligned"; they come stripped already).
RUN SP=/opt/venv/lib/python3.11/site-packages \
    && rm -rf "$SP"/torch/include "$SP"/torch/test "$SP"/torch/share/cmake "$SP"/pyarrow/include \
        "$SP"/torch/lib/libtorchbind_test.so "$SP"/torch/lib/libaoti_custom_ops.so \
        "$SP"/torch/lib/libjitbackend_test.so "$SP"/torch/lib/libbackend_with_compiler.so \
        "$SP"/torch/bin/test_* "$SP"/torch/bin/*StoreTest "$SP"/torch/bin/protoc* "$SP"/torch/bin/*.pt* \
        "$SP"/pyarrow/libarrow_flight.so* "$SP"/pyarrow/libarrow_python_flight.so* "$SP"/pyarrow/_flight.*.so \
        "$SP"/pyarrow/libarrow_s3.so* "$SP"/pyarrow/_s3fs.*.so "$SP"/pyarrow/_pyarrow_cpp_tests.*.so \
        "$SP"/pyarrow/libarrow_python.so "$SP"/pyarrow/libarrow_python.so.2600.1.0 \
        "$SP"/pyarrow/libarrow_python_parquet_encryption.so "$SP"/pyarrow/libarrow_python_parquet_encryption.so.*.*.* \
        "$SP"/plotly/labextension "$SP"/plotly/package_data/widgetbundle.js \
    && find "$SP" -depth -type d -name tests -path "*/site-packages/*/tests" -exec rm -rf {} + \
    && find "$SP" \( -name "*.pyx" -o -name "*.pxd" -o -name "*.pxi" \) -delete \
    && pip uninstall -y -q altair pydeck jsonschema jsonschema-specifications referencing rpds-py networkx \
        Pygments setuptools \
    && find "$SP" -type f \( -name "*.so" -o -name "*.so.*" \) -not -path "*.libs/*" \
        -exec strip --strip-unneeded {} + \
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
