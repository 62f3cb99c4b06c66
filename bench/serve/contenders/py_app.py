# The seed's service as Python users build it: Flask (WSGI, under gunicorn) or FastAPI (ASGI,
# under uvicorn), onnxruntime per request. MODEL names the ONNX file.
import os
import numpy as np
import onnxruntime as ort

_session = ort.InferenceSession(os.environ["MODEL"], providers=["CPUExecutionProvider"])
_labels = ["setosa", "versicolor", "virginica"]


def predict(body):
    rows = body["features"]
    x = np.asarray(rows if isinstance(rows[0], list) else [rows], dtype=np.float32)
    (p,) = _session.run(None, {"features": x})
    return {"prediction": [_labels[i] for i in p.argmax(axis=1)], "status": "success"}


if os.environ.get("FRAMEWORK") == "fastapi":
    from fastapi import FastAPI, Request

    app = FastAPI()

    @app.post("/predict")
    async def fastapi_predict(request: Request):
        return predict(await request.json())
else:
    from flask import Flask, request

    app = Flask(__name__)

    @app.post("/predict")
    def flask_predict():
        return predict(request.get_json(force=True))
