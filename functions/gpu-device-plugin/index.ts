import { http } from "@google-cloud/functions-framework";
import { admissionHandler } from "../../shared/admission/handler.ts";
import { jsonLogger } from "../../shared/runtime/log.ts";
import { gpuDevicePlugin } from "./feature.ts";
import { FEATURE } from "./intent.ts";

http(FEATURE, admissionHandler(gpuDevicePlugin(), { log: jsonLogger() }));
