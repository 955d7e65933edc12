# Azure ML managed virtual network of workspace 22222222-2222-4222-8222-222222222222: user-defined outbound rules (aml-egress, catalog 2026.3.0, docs of 2026-06-11).
# Azure ML creates its required rules itself; ../managed-by-aml.json lists them.
variable "workspace_id" {
  type        = string
  description = "Resource ID of the Azure Machine Learning workspace 22222222-2222-4222-8222-222222222222"
}
