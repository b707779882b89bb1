// Command kubevirt-crds prints KubeVirt's own CustomResourceDefinitions, made by the code
// virt-operator installs them with, as one JSON array on standard output: what a client sends,
// without the empty status and creation time that the Go types would print.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components"
)

func main() {
	makers := []func() (*extv1.CustomResourceDefinition, error){
		components.NewKubeVirtCrd,
		components.NewVirtualMachineCrd,
		components.NewVirtualMachineInstanceCrd,
		components.NewVirtualMachineInstanceMigrationCrd,
		components.NewVirtualMachineInstancetypeCrd,
		components.NewVirtualMachineClusterInstancetypeCrd,
		components.NewVirtualMachinePreferenceCrd,
		components.NewVirtualMachineClusterPreferenceCrd,
	}
	crds := make([]map[string]any, 0, len(makers))
	for _, make := range makers {
		crd, err := make()
		if err != nil {
			fail(err)
		}
		object, err := runtime.DefaultUnstructuredConverter.ToUnstructured(crd)
		if err != nil {
			fail(err)
		}
		delete(object, "status")
		unstructured.RemoveNestedField(object, "metadata", "creationTimestamp")
		crds = append(crds, object)
	}
	if err := json.NewEncoder(os.Stdout).Encode(crds); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kubevirt-crds:", err)
	os.Exit(1)
}
